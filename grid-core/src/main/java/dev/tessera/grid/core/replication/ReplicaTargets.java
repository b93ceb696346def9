package dev.tessera.grid.core.replication;

import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.partition.PartitionTable;
import java.util.ArrayList;
import java.util.List;
import org.jgroups.Address;

/**
 * Which members a primary copies a map's writes to. A map with {@code b} backups keeps its data in
 * replica slots {@code 0..b} of each partition. While a partition migrates, the members of the
 * target owner list in those slots receive every write too, so that nothing written during the copy
 * is missing when ownership switches.
 */
public final class ReplicaTargets {
    private ReplicaTargets() {}

    /** Members that must apply a write before it is acknowledged. */
    public static List<Address> sync(PartitionTable t, int p, Address self, MapConfig config) {
        return collect(t, p, self, 1, 1 + config.backups(), List.of());
    }

    /** Members updated without waiting. */
    public static List<Address> async(PartitionTable t, int p, Address self, MapConfig config, List<Address> sync) {
        int from = 1 + config.backups();
        return collect(t, p, self, from, from + config.asyncBackups(), sync);
    }

    /** Whether {@code member} holds (or is receiving) this map's data for partition {@code p}. */
    public static boolean isReplica(PartitionTable t, int p, Address member, int replicas) {
        int slot = t.slotOf(p, member);
        int targetSlot = t.targetSlotOf(p, member);
        return (slot >= 0 && slot < replicas) || (targetSlot >= 0 && targetSlot < replicas);
    }

    private static List<Address> collect(PartitionTable t, int p, Address self, int ownerFrom, int until, List<Address> exclude) {
        List<Address> out = new ArrayList<>(until);
        List<Address> owners = t.owners(p);
        for (int i = ownerFrom; i < Math.min(until, owners.size()); i++) {
            add(out, owners.get(i), self, exclude);
        }
        List<Address> target = t.target(p);
        // Target slots below ownerFrom (the future primary, future sync backups) also get the copies.
        for (int i = ownerFrom == 1 ? 0 : ownerFrom; i < Math.min(until, target.size()); i++) {
            add(out, target.get(i), self, exclude);
        }
        return out;
    }

    private static void add(List<Address> out, Address a, Address self, List<Address> exclude) {
        if (a != null && !a.equals(self) && !out.contains(a) && !exclude.contains(a)) {
            out.add(a);
        }
    }
}
