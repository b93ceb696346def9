package dev.tessera.grid.core.migration;

import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.replication.ReplicaTargets;
import org.jgroups.Address;

/**
 * Drops the data of partitions this member no longer holds a replica of, when a table is applied
 * (under the table's write lock, so no copy for a dropped partition can slip in afterwards), and
 * purges old tombstones.
 */
public final class StorageJanitor {
    private final LocalStorage storage;
    private final Address self;

    public StorageJanitor(LocalStorage storage, Address self) {
        this.storage = storage;
        this.self = self;
    }

    /** Table listener. */
    public void onTable(PartitionTable previous, PartitionTable next) {
        for (MapContainer map : storage.all()) {
            int replicas = map.replicas();
            for (int p = 0; p < next.partitionCount(); p++) {
                PartitionStore store = map.partition(p);
                if (!store.isEmpty() && !ReplicaTargets.isReplica(next, p, self, replicas)) {
                    store.clear();
                }
            }
        }
    }

    /** Removes tombstones older than {@code ageNanos}; returns how many. */
    public int purgeTombstones(long ageNanos) {
        long cutoff = System.nanoTime() - ageNanos;
        int purged = 0;
        for (MapContainer map : storage.all()) {
            for (int p = 0; p < map.partitionCount(); p++) {
                purged += map.partition(p).purgeTombstones(cutoff);
            }
        }
        return purged;
    }
}
