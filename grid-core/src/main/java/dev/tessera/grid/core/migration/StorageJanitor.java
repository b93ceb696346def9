package dev.tessera.grid.core.migration;

import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.replication.ReplicaTargets;
import dev.tessera.grid.membership.MemberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops the data of partitions this member no longer holds a replica of, when a table is applied
 * (under the table's write lock, so no copy for a dropped partition can slip in afterwards), and
 * purges old tombstones.
 */
public final class StorageJanitor {
    private static final Logger log = LoggerFactory.getLogger(StorageJanitor.class);
    private final LocalStorage storage;
    private final MemberId self;

    public StorageJanitor(LocalStorage storage, MemberId self) {
        this.storage = storage;
        this.self = self;
    }

    /** Table listener. */
    public void onTable(PartitionTable previous, PartitionTable next) {
        for (MapContainer map : storage.all()) {
            int replicas = map.replicas();
            for (int p = 0; p < next.partitionCount(); p++) {
                reportLoss(previous, next, map, p);
                PartitionStore store = map.peek(p);
                if (!store.isEmpty() && !ReplicaTargets.isReplica(next, p, self, replicas)) {
                    store.clear();
                }
            }
        }
    }

    /**
     * A member promoted to primary without holding the map's data in the previous table means that
     * every replica of that map's partition failed at once: more failures than the map has backups.
     */
    private void reportLoss(PartitionTable previous, PartitionTable next, MapContainer map, int p) {
        if (previous.version() == 0 || !self.equals(next.primary(p)) || self.equals(previous.primary(p))) {
            return;
        }
        if (!ReplicaTargets.isReplica(previous, p, self, map.replicas()) && !previous.owners(p).isEmpty()
                && !next.members().containsAll(previous.owners(p).subList(0, Math.min(map.replicas(), previous.owners(p).size())))) {
            log.warn("Partition {} of map '{}' lost its data: its {} replica(s) failed at once (more than its {} backup(s)); "
                    + "it restarts empty on this member", p, map.name(), map.replicas(), map.replicas() - 1);
        }
    }

    /** Removes tombstones older than {@code ageMillis}; returns how many. */
    public int purgeTombstones(long ageMillis) {
        long cutoff = storage.time().wallMillis() - ageMillis;
        int purged = 0;
        for (MapContainer map : storage.all()) {
            for (int p = 0; p < map.partitionCount(); p++) {
                purged += map.peek(p).purgeTombstones(cutoff);
            }
        }
        return purged;
    }
}
