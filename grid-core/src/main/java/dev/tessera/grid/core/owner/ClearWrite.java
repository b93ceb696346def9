package dev.tessera.grid.core.owner;

import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.replication.ChangeCause;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import dev.tessera.grid.core.wire.Status;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Removes every live entry of one partition, leaving versioned tombstones; copied in batches. */
final class ClearWrite extends BatchWrite<OpResponse> {
    /** Entries per replication message when a whole partition is cleared. */
    private static final int CLEAR_BATCH = 1000;

    private final PartitionWriter writer;

    ClearWrite(PartitionWriter writer, MapContainer map, int partition) {
        super(map, partition, 16);
        this.writer = writer;
    }

    @Override
    OpResponse notOwner(PartitionTable applied) {
        return OpResponse.status(Status.WRONG_OWNER, applied.version());
    }

    @Override
    void apply(PartitionStore store) {
        for (Map.Entry<Bytes, Record> e : store.entries()) {
            store.compute(e.getKey(), (k, cur) -> {
                if (cur == null || cur.isTombstone()) {
                    return cur;
                }
                long v = writer.topology.nextVersion(partition);
                long hlc = writer.clock.after(cur.hlc());
                Record tombstone = new Record(k, null, v, hlc);
                if (!map.isExpired(cur, map.nowMillis())) {
                    writer.observers.onChange(map, partition, k, cur, tombstone, ChangeCause.WRITE);
                }
                changed(store, k, new ReplicaEntry(k.array(), null, v, hlc), true);
                return tombstone;
            });
        }
    }

    @Override
    CompletableFuture<OpResponse> unchanged(PartitionStore store, PartitionTable applied) {
        return CompletableFuture.completedFuture(new OpResponse(Status.OK, false, null, 0, applied.version(), null));
    }

    @Override
    int batchSize() {
        return CLEAR_BATCH;
    }

    @Override
    boolean confirmsQuorum() {
        return map.config().splitBrainMode() == SplitBrainMode.CONSISTENT;
    }

    @Override
    OpResponse answer(Object acked, PartitionTable applied) {
        return new OpResponse(Status.OK, true, null, 0, applied.version(), null);
    }

    @Override
    OpResponse failed(Throwable error, PartitionTable applied) {
        return PartitionWriter.failure(error, applied.version());
    }
}
