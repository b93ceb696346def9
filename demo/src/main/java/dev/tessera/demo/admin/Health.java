package dev.tessera.demo.admin;

import dev.tessera.grid.GridIntrospection.MapStats;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.membership.ClusterView;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import dev.tessera.grid.membership.MemberId;

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

    static Map<String, Object> of(TesseraGrid grid, MemberDirectory directory, Workload workload) {
        directory.refresh();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("member", grid.channel().localMember().name());
        out.put("running", grid.isRunning());
        ClusterView view = grid.channel().currentView();
        out.put("viewId", view.viewId());
        out.put("viewSize", view.size());
        out.put("view", view.names());
        out.put("coordinator", view.coordinator().name());
        out.put("isolatedFrom", directory.names(grid.channel().isolatedFrom()));

        PartitionTable t = grid.topology().table();
        int partitions = t.partitionCount();
        Set<MemberId> viewMembers = new HashSet<>(view.ids());
        int expected = Math.min(view.size(), TABLE_REPLICAS);
        int minReplicas = Integer.MAX_VALUE;
        int maxReplicas = 0;
        int unowned = 0;
        Set<MemberId> sources = new LinkedHashSet<>();
        Set<MemberId> destinations = new LinkedHashSet<>();
        Map<String, Integer> primaries = new TreeMap<>();
        for (String n : view.names()) {
            primaries.put(n, 0);
        }
        for (int p = 0; p < partitions; p++) {
            List<MemberId> owners = t.owners(p);
            minReplicas = Math.min(minReplicas, owners.size());
            maxReplicas = Math.max(maxReplicas, owners.size());
            if (owners.isEmpty()) {
                unowned++;
            } else {
                primaries.merge(directory.nameOf(owners.get(0)), 1, Integer::sum);
            }
            if (t.isMigrating(p)) {
                sources.addAll(owners);
                for (MemberId a : t.target(p)) {
                    if (!owners.contains(a)) {
                        destinations.add(a);
                    }
                }
            }
        }
        boolean tableIsView = t.members().equals(viewMembers);
        boolean full = tableIsView && minReplicas == expected && maxReplicas == expected;
        double ideal = (double) partitions / view.size();
        boolean spreadOk = true;
        for (String n : view.names()) {
            int c = primaries.getOrDefault(n, 0);
            spreadOk &= Math.abs(c - ideal) <= 1.0;
        }
        out.put("tableVersion", t.version());
        out.put("partitions", partitions);
        out.put("tableMembers", directory.names(t.members()));
        out.put("migrating", t.migratingCount());
        out.put("migrationSources", directory.names(sources));
        out.put("migrationDestinations", directory.names(destinations));
        out.put("unowned", unowned);
        out.put("expectedReplicas", expected);
        out.put("minReplicas", minReplicas);
        out.put("maxReplicas", maxReplicas);
        out.put("fullReplicas", full);
        out.put("stable", full && t.migratingCount() == 0);
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
