package dev.tessera.grid.core.owner;

import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.replication.ChangeCause;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** A removal on this member's own initiative as primary (expiry, eviction); answered with whether it removed. */
final class RemovalWrite extends BatchWrite<Boolean> {
    private final PartitionWriter writer;
    private final Bytes key;
    private final long expectedVersion;
    private final Predicate<Record> stillApplies;
    private final ChangeCause cause;

    RemovalWrite(PartitionWriter writer, MapContainer map, int partition, Bytes key, long expectedVersion,
                 Predicate<Record> stillApplies, ChangeCause cause) {
        super(map, partition, 1);
        this.writer = writer;
        this.key = key;
        this.expectedVersion = expectedVersion;
        this.stillApplies = stillApplies;
        this.cause = cause;
    }

    @Override
    boolean ownedAt(TopologyState topology, PartitionTable applied) {
        return topology.self().equals(applied.primary(partition)) && !topology.isFrozen();
    }

    @Override
    Boolean notOwner(PartitionTable applied) {
        return false;
    }

    @Override
    void apply(PartitionStore store) {
        store.compute(key, (k, cur) -> {
            if (cur == null || cur.isTombstone() || cur.version() != expectedVersion || !stillApplies.test(cur)) {
                return cur;
            }
            long v = writer.topology.nextVersion(partition);
            long hlc = writer.clock.after(cur.hlc());
            Record tombstone = new Record(k, null, v, hlc);
            writer.observers.onChange(map, partition, k, cur, tombstone, cause);
            changed(store, k, new ReplicaEntry(k.array(), null, v, hlc), true);
            return tombstone;
        });
    }

    @Override
    void applied(PartitionTable applied) {
        if (!changed()) {
            return;
        }
        if (cause == ChangeCause.EXPIRED) {
            map.countExpiration();
        } else if (cause == ChangeCause.EVICTED) {
            map.countEviction();
        }
    }

    @Override
    CompletableFuture<Boolean> unchanged(PartitionStore store, PartitionTable applied) {
        return CompletableFuture.completedFuture(false);
    }

    @Override
    Boolean answer(Object acked, PartitionTable applied) {
        return true;
    }

    @Override
    Boolean failed(Throwable error, PartitionTable applied) {
        return true; // the backups' copies go when the next primary expires or evicts them
    }
}
