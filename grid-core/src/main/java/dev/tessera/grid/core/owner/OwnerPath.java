package dev.tessera.grid.core.owner;

import dev.tessera.grid.GridLimitException;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.loading.LoadLeases;
import dev.tessera.grid.core.partition.KeyPartitioner;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.MalformedMessageException;
import dev.tessera.grid.core.wire.OpCode;
import dev.tessera.grid.core.wire.PackedEntries;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.MemberId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;

/**
 * One client operation at its primary: the {@link OwnerGate}, the map, then a read ({@link OwnerReads}), a lease
 * of getOrLoad ({@link LoadLeases}) or a write of the {@link PartitionWriter}. A map with a MapStore is handed to
 * the {@link StoreWrapper} with this path as a plain function: {@link #apply} runs the path without a store around
 * it (the wrapper's operations come back as local ones, admitted again, never wrapped again).
 */
final class OwnerPath implements Function<ClientOp, CompletableFuture<OpResponse>> {
    private final TopologyState topology;
    private final LocalStorage storage;
    private final OwnerGate gate;
    private final PartitionWriter writer;
    private final LoadLeases loads;
    private final KeyProcessing processing;
    private final KeyPartitioner partitioner;
    private final ObjIntConsumer<MapContainer> afterWrite;

    OwnerPath(TopologyState topology, LocalStorage storage, OwnerGate gate, PartitionWriter writer, LoadLeases loads,
              KeyProcessing processing, ObjIntConsumer<MapContainer> afterWrite) {
        this.topology = topology;
        this.storage = storage;
        this.gate = gate;
        this.writer = writer;
        this.loads = loads;
        this.processing = processing;
        this.afterWrite = afterWrite;
        this.partitioner = new KeyPartitioner(storage.partitionCount());
    }

    /** A local operation on a map, without its store: what a {@link StoreWrapper} applies through. */
    @Override
    public CompletableFuture<OpResponse> apply(ClientOp op) {
        return run(op, false, null, 0, null);
    }

    /**
     * @param remote whether {@code op} came from another member (see {@link OwnerGate#check})
     * @param caller where the backup may send the answer to a single write, or {@code null}: this member answers;
     *               the future then completes with {@code null} if the backup answered
     * @param stores runs operations on maps with a MapStore, or {@code null}: none (the store's own path)
     */
    CompletableFuture<OpResponse> run(ClientOp op, boolean remote, MemberId caller, long requestId, StoreWrapper stores) {
        long readStamp = topology.optimisticRead();
        PartitionTable t = topology.table();
        Status admitted = gate.check(op, remote, t);
        if (admitted != Status.OK) {
            return done(gate.refusal(admitted, op, t));
        }
        if (OwnerReads.isPlainRead(op) && storage.get(op.map()) == null) {
            // a read of a map never written here creates nothing: naming maps must not cost memory
            return done(OwnerReads.read(null, op, null, t.version()));
        }
        MapContainer map;
        try {
            map = storage.getOrCreate(op.map(), op.config());
        } catch (IllegalArgumentException | GridLimitException e) {
            return done(new OpResponse(Status.ofFailure(e), false, null, 0, t.version(), e.getMessage()));
        }
        if (op.code() == OpCode.LOAD_OR_LEASE || op.code() == OpCode.LOAD_FAILED) {
            return loads.execute(op, map, t.version());
        }
        boolean viaStore = stores != null && map.config().mapStore() != null;
        if (!op.code().mutating) {
            return viaStore ? stores.around(op, map, this) : OwnerReads.read(topology, map, op, readStamp, t.version());
        }
        map.partition(op.partition()); // a write creates its partition's store, even one refused below
        boolean consistent = map.config().splitBrainMode() == SplitBrainMode.CONSISTENT;
        if (consistent && writer.quorumLost()) {
            return done(writer.unavailable(map, t.version(), false));
        }
        if (viaStore) {
            return stores.around(op, map, this);
        }
        return write(map, op, consistent, caller, requestId);
    }

    private CompletableFuture<OpResponse> write(MapContainer map, ClientOp op, boolean consistent, MemberId caller,
                                                long requestId) {
        if (op.code() == OpCode.CLEAR_PARTITION) {
            return writer.write(new ClearWrite(writer, map, op.partition()));
        }
        if (op.code() == OpCode.PUT_ALL) {
            return putAll(map, op, consistent);
        }
        KeyMutation m = new KeyMutation(op, map, writer, afterWrite, loads, caller, requestId);
        if (op.code() == OpCode.LOAD_COMPLETE) {
            m.loadBase = loads.baseVersion(map.name(), op);
        }
        m.processing = processing;
        return writer.write(m);
    }

    /** Keys outside the operation's partition are refused (nothing is applied). */
    private CompletableFuture<OpResponse> putAll(MapContainer map, ClientOp op, boolean consistent) {
        int p = op.partition();
        List<byte[]> pairs;
        try {
            pairs = PackedEntries.decode(op.value());
        } catch (MalformedMessageException e) {
            return done(new OpResponse(Status.ERROR, false, null, 0, topology.table().version(), e.getMessage()));
        }
        for (int i = 0; i < pairs.size(); i += 2) {
            if (partitioner.partitionOf(pairs.get(i)) != p) {
                return done(new OpResponse(Status.ERROR, false, null, 0, topology.table().version(),
                        "PUT_ALL for partition " + p + " carries a key of partition " + partitioner.partitionOf(pairs.get(i))));
            }
        }
        return writer.write(new PutAllWrite(writer, map, op, pairs, consistent, afterWrite));
    }

    private static CompletableFuture<OpResponse> done(OpResponse r) {
        return CompletableFuture.completedFuture(r);
    }
}
