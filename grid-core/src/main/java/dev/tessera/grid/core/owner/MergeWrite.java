package dev.tessera.grid.core.owner;

import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.replication.ChangeCause;
import dev.tessera.grid.core.replication.StaleOwnerException;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicateResponse;
import dev.tessera.grid.core.wire.Status;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Entries pushed by a member of a side that lost a split-brain merge, merged key by key ({@link MergeDecider});
 * the winners are written with new versions of this lineage and replicated like any write.
 */
final class MergeWrite extends BatchWrite<ReplicateResponse> {
    private final PartitionWriter writer;
    private final MergeDecider merges;
    private final List<ReplicaEntry> pushed;

    MergeWrite(PartitionWriter writer, MergeDecider merges, MapContainer map, int partition, List<ReplicaEntry> pushed) {
        super(map, partition, pushed.size());
        this.writer = writer;
        this.merges = merges;
        this.pushed = pushed;
    }

    @Override
    boolean ownedAt(TopologyState topology, PartitionTable applied) {
        return topology.self().equals(applied.primary(partition));
    }

    @Override
    ReplicateResponse notOwner(PartitionTable applied) {
        return new ReplicateResponse(Status.REJECTED, applied.version());
    }

    @Override
    void apply(PartitionStore store) {
        for (ReplicaEntry e : pushed) {
            store.compute(Bytes.wrap(e.key()), (k, cur) -> {
                if (!merges.takesMerging(map.config(), cur, e)) {
                    return cur;
                }
                long v = writer.topology.nextVersion(partition);
                writer.clock.after(e.hlc()); // later local writes must order after the merged one
                Record next = Record.of(k, e.value(), v, e.hlc(), e.expiresAt(), e.staleUntil(), e.loadMillis(), map.tracked());
                writer.observers.onChange(map, partition, k, cur == null || cur.isTombstone() ? null : cur, next,
                        ChangeCause.MERGED);
                changed(store, k, new ReplicaEntry(e.key(), e.value(), v, e.hlc(), e.expiresAt(), e.staleUntil(),
                        e.loadMillis()), true);
                return next;
            });
        }
    }

    @Override
    CompletableFuture<ReplicateResponse> unchanged(PartitionStore store, PartitionTable applied) {
        return CompletableFuture.completedFuture(new ReplicateResponse(Status.OK, applied.version()));
    }

    @Override
    ReplicateResponse answer(Object acked, PartitionTable applied) {
        return new ReplicateResponse(Status.OK, applied.version());
    }

    @Override
    ReplicateResponse failed(Throwable error, PartitionTable applied) {
        return new ReplicateResponse(error instanceof StaleOwnerException ? Status.RETRY : Status.ERROR, applied.version());
    }
}
