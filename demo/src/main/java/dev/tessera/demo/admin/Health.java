package dev.tessera.demo.admin;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.GridIntrospection.MapStats;
import dev.tessera.grid.GridIntrospection.MigrationView;
import dev.tessera.grid.GridIntrospection.PartitionTableView;
import dev.tessera.grid.GridIntrospection.PartitionView;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.Member;
import dev.tessera.grid.core.drill.FailureDrills;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * This member's view of the cluster's health, as JSON for {@code GET /admin/health}:
 *
 * <ul>
 *   <li>{@code member}, {@code running}, {@code viewId}, {@code viewSize}, {@code view} (names, oldest first),
 *       {@code coordinator}, {@code isolatedFrom} (names this member drops traffic to/from);</li>
 *   <li>{@code tableVersion}, {@code partitions}, {@code tableMembers}, {@code migrating} (partitions with a pending
 *       target), {@code migrationSources} / {@code migrationDestinations} (names: current owners of migrating
 *       partitions / target members that are not owners yet), {@code unowned} (partitions without a primary);</li>
 *   <li>{@code expectedReplicas} = min(view size, 7), {@code minReplicas}/{@code maxReplicas} over partitions,
 *       {@code fullReplicas}: every partition lists {@code expectedReplicas} owners and the table names exactly the
 *       view; {@code stable}: fullReplicas and nothing migrating;</li>
 *   <li>{@code primaryCounts} per member and {@code primarySpreadOk}: each view member's primary count within ±1 of
 *       P/N (invariant T2);</li>
 *   <li>{@code maps}: per map, the entries this member stores as primary and as backup, and their bytes;</li>
 *   <li>{@code workload}: the workload's counters, or null.</li>
 * </ul>
 */
final class Health {
    private static final int TABLE_REPLICAS = 1 + MapConfig.MAX_BACKUPS;

    private Health() {}

    static Map<String, Object> of(Grid grid, FailureDrills drills, MemberDirectory directory, Workload workload) {
        directory.refresh();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("member", grid.localMember().name());
        out.put("running", grid.isRunning());
        GridIntrospection in = grid.introspection();
        List<Member> view = grid.members();
        List<String> viewNames = directory.namesOf(view);
        out.put("viewId", in.viewId());
        out.put("viewSize", view.size());
        out.put("view", viewNames);
        out.put("coordinator", view.get(0).name());
        out.put("isolatedFrom", directory.names(drills.isolatedFrom()));

        PartitionTableView t = in.partitionTable();
        int partitions = t.partitions().size();
        int expected = Math.min(view.size(), TABLE_REPLICAS);
        int minReplicas = Integer.MAX_VALUE;
        int maxReplicas = 0;
        int unowned = 0;
        Map<String, Integer> primaries = new TreeMap<>();
        for (String n : viewNames) {
            primaries.put(n, 0);
        }
        for (PartitionView p : t.partitions()) {
            int owners = p.primary() == null ? 0 : 1 + p.backups().size();
            minReplicas = Math.min(minReplicas, owners);
            maxReplicas = Math.max(maxReplicas, owners);
            if (p.primary() == null) {
                unowned++;
            } else {
                primaries.merge(p.primary().name(), 1, Integer::sum);
            }
        }
        Set<Member> sources = new LinkedHashSet<>();
        Set<Member> destinations = new LinkedHashSet<>();
        List<MigrationView> migrations = in.migrations();
        for (MigrationView m : migrations) {
            sources.addAll(m.from());
            for (Member to : m.to()) {
                if (!m.from().contains(to)) {
                    destinations.add(to);
                }
            }
        }
        boolean tableIsView = new HashSet<>(t.members()).equals(new HashSet<>(view));
        boolean full = tableIsView && minReplicas == expected && maxReplicas == expected;
        double ideal = (double) partitions / view.size();
        boolean spreadOk = true;
        for (String n : viewNames) {
            int c = primaries.getOrDefault(n, 0);
            spreadOk &= Math.abs(c - ideal) <= 1.0;
        }
        out.put("tableVersion", t.version());
        out.put("partitions", partitions);
        out.put("tableMembers", directory.namesOf(t.members()));
        out.put("migrating", migrations.size());
        out.put("migrationSources", directory.namesOf(sources));
        out.put("migrationDestinations", directory.namesOf(destinations));
        out.put("unowned", unowned);
        out.put("expectedReplicas", expected);
        out.put("minReplicas", minReplicas);
        out.put("maxReplicas", maxReplicas);
        out.put("fullReplicas", full);
        out.put("stable", full && migrations.isEmpty());
        out.put("primaryCounts", primaries);
        out.put("primarySpreadOk", spreadOk);

        Map<String, Object> maps = new TreeMap<>();
        if (grid.isRunning()) {
            try {
                for (Map.Entry<String, MapStats> e : grid.introspection().localMapStats().entrySet()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("primary", e.getValue().primaryEntries());
                    m.put("backup", e.getValue().backupEntries());
                    m.put("bytes", e.getValue().bytes());
                    maps.put(e.getKey(), m);
                }
            } catch (IllegalStateException stopping) {
                // the member is leaving: no map stats
            }
        }
        out.put("maps", maps);
        out.put("workload", workload == null ? null : workload.stats());
        return out;
    }
}
