package dev.tessera.grid.core.owner;

import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.OpCode;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import dev.tessera.grid.core.wire.Status;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.ObjIntConsumer;

/** A grouped putAll: sets every pair of one partition, each key atomically as a SET would, copied in one message. */
final class PutAllWrite extends BatchWrite<OpResponse> {
    private final PartitionWriter writer;
    private final ClientOp op;
    private final List<byte[]> pairs;
    private final boolean consistent;
    private final ObjIntConsumer<MapContainer> afterWrite;

    /** @param pairs key, value, key, value... all of {@code op}'s partition */
    PutAllWrite(PartitionWriter writer, MapContainer map, ClientOp op, List<byte[]> pairs, boolean consistent,
                ObjIntConsumer<MapContainer> afterWrite) {
        super(map, op.partition(), pairs.size() / 2);
        this.writer = writer;
        this.op = op;
        this.pairs = pairs;
        this.consistent = consistent;
        this.afterWrite = afterWrite;
    }

    @Override
    OpResponse notOwner(PartitionTable applied) {
        return OpResponse.status(Status.WRONG_OWNER, applied.version());
    }

    @Override
    void apply(PartitionStore store) {
        for (int i = 0; i < pairs.size(); i += 2) {
            ClientOp one = new ClientOp(op.tableVersion(), op.map(), op.config(), partition, OpCode.SET, pairs.get(i),
                    pairs.get(i + 1), null, 0, op.deadlineMillis(), op.origin(), op.ttlMillis());
            KeyMutation m = new KeyMutation(one, map, writer, commit); // registers the key's uncommitted window itself
            Bytes key = Bytes.wrap(one.key());
            store.compute(key, m);
            changed(store, key, new ReplicaEntry(one.key(), m.newValue, m.newVersion, m.newHlc, m.newExpiresAt,
                    m.newStaleUntil, m.newLoadMillis), false);
        }
    }

    @Override
    boolean changed() {
        return true; // a SET always changes its key
    }

    @Override
    CompletableFuture<OpResponse> unchanged(PartitionStore store, PartitionTable applied) {
        throw new AssertionError("a putAll always changes its keys");
    }

    @Override
    void beforeCopy() {
        afterWrite.accept(map, partition);
    }

    @Override
    boolean confirmsQuorum() {
        return consistent;
    }

    @Override
    OpResponse answer(Object acked, PartitionTable applied) {
        return consistent && writer.quorumLost() ? writer.unavailable(map, applied.version(), true)
                : new OpResponse(Status.OK, true, null, 0, applied.version(), null);
    }

    @Override
    OpResponse failed(Throwable error, PartitionTable applied) {
        return PartitionWriter.failure(error, applied.version());
    }
}
