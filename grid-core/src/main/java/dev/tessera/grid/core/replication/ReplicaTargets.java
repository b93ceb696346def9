package dev.tessera.grid.core.replication;

import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.partition.PartitionTable;
import java.util.ArrayList;
import java.util.List;
import dev.tessera.grid.membership.MemberId;

/**
 * Which members a primary copies a map's writes to. A map with {@code b} backups keeps its data in
 * replica slots {@code 0..b} of each partition. While a partition migrates, the members of the
 * target owner list in those slots receive every write too, so that nothing written during the copy
 * is missing when ownership switches.
 */
public final class ReplicaTargets {
    private ReplicaTargets() {}

    /** Members that must apply a write before it is acknowledged. */
    public static List<MemberId> sync(PartitionTable t, int p, MemberId self, MapConfig config) {
        return collect(t, p, self, 1, 1 + config.backups(), List.of());
    }

    /** Members updated without waiting. */
    public static List<MemberId> async(PartitionTable t, int p, MemberId self, MapConfig config, List<MemberId> sync) {
        int from = 1 + config.backups();
        return collect(t, p, self, from, from + config.asyncBackups(), sync);
    }

    /** Whether {@code member} holds (or is receiving) this map's data for partition {@code p}. */
    public static boolean isReplica(PartitionTable t, int p, MemberId member, int replicas) {
        int slot = t.slotOf(p, member);
        int targetSlot = t.targetSlotOf(p, member);
        return (slot >= 0 && slot < replicas) || (targetSlot >= 0 && targetSlot < replicas);
    }

    private static List<MemberId> collect(PartitionTable t, int p, MemberId self, int ownerFrom, int until, List<MemberId> exclude) {
        List<MemberId> out = new ArrayList<>(until);
        List<MemberId> owners = t.owners(p);
        for (int i = ownerFrom; i < Math.min(until, owners.size()); i++) {
            add(out, owners.get(i), self, exclude);
        }
        List<MemberId> target = t.target(p);
        // Target slots below ownerFrom (the future primary, future sync backups) also get the copies.
        for (int i = ownerFrom == 1 ? 0 : ownerFrom; i < Math.min(until, target.size()); i++) {
            add(out, target.get(i), self, exclude);
        }
        return out;
    }

    private static void add(List<MemberId> out, MemberId a, MemberId self, List<MemberId> exclude) {
        if (a != null && !a.equals(self) && !out.contains(a) && !exclude.contains(a)) {
            out.add(a);
        }
    }
}
