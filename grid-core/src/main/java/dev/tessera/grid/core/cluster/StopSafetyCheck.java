package dev.tessera.grid.core.cluster;

import dev.tessera.grid.GridIntrospection.StopSafety;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.membership.MemberId;

/**
 * Whether a member may stop now without leaving a partition short of replicas ({@code GridIntrospection.stopSafety()}).
 *
 * <p>Each partition has one owner list; a map with {@code b} backups uses its first {@code 1 + b} slots. So the
 * partition needs the replicas of its most demanding map, {@code required}. Stopping is safe when (1) every
 * partition has {@code min(required, members)} live owners now, so even a crash of this member keeps a copy of every
 * acknowledged write that was meant to survive one; (2) nothing migrates, which also means no other member is
 * handing over (a leave is a migration) and no joiner is being filled; and (3) the members that stay can still
 * hold {@code required} replicas. A member of a two-member cluster with one backup is therefore never "safe": after
 * it stops, each partition has one copy.
 */
public final class StopSafetyCheck {
    private StopSafetyCheck() {
    }

    /**
     * @param table    the table this member applied
     * @param view     the members of its current view
     * @param required 1 + the largest backups + asyncBackups of the maps this member holds or opened (0 for none)
     */
    public static StopSafety check(PartitionTable table, Set<MemberId> view, int required) {
        int members = view.size();
        int want = Math.min(required, members);
        int below = belowReplicas(table, view, required);
        int migrating = table.migratingCount();
        List<String> reasons = new ArrayList<>();
        if (below > 0) {
            reasons.add(count(below, "partition has", "partitions have") + " fewer than " + count(want, "replica", "replicas")
                    + ": redundancy is still being rebuilt");
        }
        if (migrating > 0) {
            reasons.add(count(migrating, "partition is", "partitions are")
                    + " migrating: a member is joining or handing over; wait until the table is stable");
        }
        if (!view.containsAll(table.members())) {
            reasons.add("the partition table still names a member that left: the coordinator has not rebalanced yet");
        }
        if (members - 1 < required) {
            reasons.add("after this member stops, " + count(members - 1, "member", "members") + " cannot hold "
                    + count(required, "replica", "replicas") + " of every partition (1 + the most backups of a map)");
        }
        return new StopSafety(reasons.isEmpty(), required, members, below, migrating, reasons);
    }

    /**
     * Partitions of {@code table} whose owners in {@code view} are fewer than {@code required} replicas (or than the
     * view's members, if fewer): an owner that crashed still stands in the table until the coordinator replans, but
     * holds nothing.
     */
    public static int belowReplicas(PartitionTable table, Set<MemberId> view, int required) {
        int want = Math.min(required, view.size());
        int below = 0;
        for (int p = 0; p < table.partitionCount(); p++) {
            int live = 0;
            for (MemberId a : table.owners(p)) {
                if (view.contains(a)) {
                    live++;
                }
            }
            if (live < want) {
                below++;
            }
        }
        return below;
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
