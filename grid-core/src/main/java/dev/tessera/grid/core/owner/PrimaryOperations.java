package dev.tessera.grid.core.owner;

import dev.tessera.grid.GridLimitException;
import dev.tessera.grid.MergePolicy;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.cluster.QuorumTracker;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.loading.LoadLeases;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.serialization.KryoCodec;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.ReplicationMessages.Replicate;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicateResponse;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.ClusterChannel;
import dev.tessera.grid.membership.MemberId;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.ObjIntConsumer;

/**
 * The owner side's entry: runs operations on this member as their partition's primary ({@link OwnerPath}: the
 * {@link OwnerGate}, reads, the {@link PartitionWriter}), with a map's store around them ({@link StoreWrapper}),
 * and merges entries pushed after a split. Never blocks: a write's future completes when the replicas answer.
 *
 * <p>A {@link SplitBrainMode#CONSISTENT} write refused before it is applied is a clean refusal. One refused after
 * it was applied here (this side lost its majority while the write was being copied), like one whose copy a
 * replica rejected because this member's table is stale, is answered with the
 * {@link OpResponse#mayHaveBeenApplied() applied} marker: its outcome is unknown, not "refused".
 */
public final class PrimaryOperations {
    private final TopologyState topology;
    private final LocalStorage storage;
    private final PartitionWriter writer;
    private final MergeDecider merges;
    private final OwnerPath path;
    private final StoreWrapper stores;

    /**
     * @param loads      the getOrLoad leases this member grants as primary
     * @param afterWrite runs after each changing client write, outside the key's update and before replication, on the
     *                   writing thread (eviction: the writer pays for the room it takes, so writes cannot outrun the bound)
     * @param stores     runs the operations on maps with a MapStore around the owner's path
     */
    public PrimaryOperations(TopologyState topology, LocalStorage storage, PartitionWriter writer, QuorumTracker quorum,
                             LoadLeases loads, KryoCodec codec, Map<String, MergePolicy> mergePolicies,
                             ObjIntConsumer<MapContainer> afterWrite, StoreWrapper stores) {
        this.topology = topology;
        this.storage = storage;
        this.writer = writer;
        this.stores = stores;
        this.merges = new MergeDecider(codec, mergePolicies);
        this.path = new OwnerPath(topology, storage, new OwnerGate(topology, quorum, storage.time()), writer, loads,
                new KeyProcessing(codec), afterWrite);
    }

    /**
     * @param remote whether the operation came from another member, whose table version must then not be newer than
     *               ours (if it is, ours is stale and the caller retries), whose deadline must not have passed (if it
     *               has, the caller gave up: answered RETRY, not run), and whose table must not predate its origin's
     *               last departure (answered REJECTED, not run)
     */
    public CompletableFuture<OpResponse> execute(ClientOp op, boolean remote) {
        return path.run(op, remote, null, 0, stores);
    }

    /**
     * A request {@code requestId} of {@code caller}: completes with the encoded answer to send, or with
     * {@link ClusterChannel#REPLIED_ELSEWHERE} when the backup answered the caller. A single write to a map with one
     * synchronous backup and {@link SplitBrainMode#AVAILABLE} is answered by that backup once it applied the copy.
     */
    public CompletableFuture<byte[]> execute(ClientOp op, MemberId caller, long requestId) {
        // null: the backup answered (KeyMutation#answer), mapped here only
        return path.run(op, true, caller, requestId, stores).thenApply(r -> r == null ? ClusterChannel.REPLIED_ELSEWHERE : r.encode());
    }

    /**
     * Merges entries pushed by a member of a side that lost a split-brain merge: for AVAILABLE maps,
     * per key the write with the later hybrid-logical-clock time wins (a tombstone included); for
     * CONSISTENT maps a pushed entry is taken only if this primary has no record of the key at all.
     * Winners are written with new versions of this lineage and replicated like any write.
     */
    public CompletableFuture<ReplicateResponse> mergeIn(Replicate m) {
        PartitionTable t = topology.table();
        if (m.tableVersion() > t.version()) {
            return CompletableFuture.completedFuture(new ReplicateResponse(Status.RETRY, t.version()));
        }
        int p = m.partition();
        if (p < 0 || p >= t.partitionCount() || !topology.self().equals(t.primary(p))) {
            return CompletableFuture.completedFuture(new ReplicateResponse(Status.REJECTED, t.version()));
        }
        MapContainer map;
        try {
            map = storage.getOrCreate(m.map(), m.config());
        } catch (IllegalArgumentException | GridLimitException e) {
            return CompletableFuture.completedFuture(new ReplicateResponse(Status.ERROR, t.version()));
        }
        return writer.write(new MergeWrite(writer, merges, map, p, m.entries()));
    }
}
