package dev.tessera.grid.testkit;

import static org.awaitility.Awaitility.await;

import dev.tessera.grid.core.drill.ReplicaAudit;
import dev.tessera.grid.core.TesseraGrid;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The replica audit of a {@link TestCluster}: once the table is stable, every replica of a map holds exactly its
 * primary's entries (count and digest per partition). Writes may go on: a partition counts as matching once one
 * round of snapshots, all under the same table, agrees on it.
 */
public final class Replicas {
    private Replicas() {}

    /**
     * Waits for a stable table, then until every partition of {@code map} matched on all its replicas at least
     * once; fails naming the partitions that never did.
     */
    public static void awaitMatching(TestCluster cluster, String map, int backups, Duration max) {
        cluster.awaitStable();
        Set<Integer> pending = new HashSet<>();
        List<Map<Integer, String>> last = new ArrayList<>(List.of(Map.of()));
        boolean[] first = {true};
        try {
            await("replicas of '" + map + "' matching their primary").atMost(max).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        Map<Integer, String> m = mismatches(cluster, map, backups);
                        last.set(0, m);
                        if (m.containsKey(-1)) {
                            return false; // a table changed between the snapshots: compare nothing
                        }
                        if (first[0]) {
                            pending.addAll(m.keySet());
                            first[0] = false;
                        } else {
                            pending.retainAll(m.keySet());
                        }
                        return pending.isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            List<String> details = new ArrayList<>();
            for (Integer p : first[0] ? last.get(0).keySet() : pending) {
                if (details.size() < 10) {
                    details.add("partition " + p + ": " + last.get(0).get(p));
                }
            }
            throw new AssertionError("replicas of '" + map + "' differ from their primary in "
                    + (first[0] ? "?" : pending.size()) + " partitions after " + max + ": " + details, e);
        }
    }

    /** One round of snapshots of {@code map} on every member, compared ({@link ReplicaAudit#mismatches}). */
    public static Map<Integer, String> mismatches(TestCluster cluster, String map, int backups) {
        return mismatches(cluster.members(), map, backups);
    }

    /** {@link #mismatches(TestCluster, String, int)} over {@code members}. */
    static Map<Integer, String> mismatches(List<TesseraGrid> members, String map, int backups) {
        List<ReplicaAudit.Snapshot> snapshots = new ArrayList<>();
        for (TesseraGrid g : members) {
            snapshots.add(ReplicaAudit.snapshot(g, map, backups + 1));
        }
        return ReplicaAudit.mismatches(snapshots);
    }
}
