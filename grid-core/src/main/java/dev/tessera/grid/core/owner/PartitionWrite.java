package dev.tessera.grid.core.owner;

import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.wire.ReplicationMessages.ForwardedReply;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One write kind as {@link PartitionWriter} runs it: which keys of one partition, what mutation, what answer.
 * The writer takes the lock, checks ownership, calls {@link #apply}, then copies, settles and answers; a
 * kind says only what differs. Every key a write changes is registered under {@link #commit} inside the
 * key's update ({@link dev.tessera.grid.core.store.UncommittedWrites}), and settled by the writer.
 *
 * @param <R> what the write's requester is answered with
 */
abstract class PartitionWrite<R> {
    final MapContainer map;
    final int partition;
    /** The commit of every key this write changes; completed by the writer once the copies are settled. */
    final CompletableFuture<Boolean> commit;

    PartitionWrite(MapContainer map, int partition, CompletableFuture<Boolean> commit) {
        this.map = map;
        this.partition = partition;
        this.commit = commit;
    }

    /**
     * Whether a copy that counted a replica which left the view as done must confirm this side's quorum before the
     * write is acknowledged ({@link dev.tessera.grid.core.cluster.ReadLease#confirmQuorum}): client writes of
     * CONSISTENT maps.
     */
    boolean confirmsQuorum() {
        return false;
    }

    /** The partition's store the write applies to. */
    PartitionStore store() {
        return map.partition(partition);
    }

    /** Whether this member may apply the write by {@code applied}; asked under the topology's read lock. */
    boolean ownedAt(TopologyState topology, PartitionTable applied) {
        return topology.servesAsPrimary(applied, partition);
    }

    /** The answer when this member may not apply the write: nothing was applied. */
    abstract R notOwner(PartitionTable applied);

    /** Applies the mutation to the keys of {@code store}, under the topology's read lock, each key atomically. */
    abstract void apply(PartitionStore store);

    /** After {@link #apply}, outside the lock: whether any entry changed (then it is copied). */
    abstract boolean changed();

    /** After {@link #apply}, outside the lock, before anything is copied (bookkeeping of the write kind). */
    void applied(PartitionTable applied) {
    }

    /** The answer to a write that changed nothing. */
    abstract CompletableFuture<R> unchanged(PartitionStore store, PartitionTable applied);

    /** The copies of the changed entries, for the partition's replicas. */
    abstract List<ReplicaEntry> copies();

    /** Runs after near caches were told and before the copies go (the after-write hook: eviction). */
    void beforeCopy() {
    }

    /** Where a replica answers the requester once it applied the copy, or {@code null}: this member answers. */
    ForwardedReply forwardTo(PartitionTable applied) {
        return null;
    }

    /** At most this many copies per replication message. */
    int batchSize() {
        return Integer.MAX_VALUE;
    }

    /** Ends the uncommitted window of every key changed: removes their registration if it is still this write's. */
    abstract void settleKeys(PartitionStore store);

    /** The answer once the replicas acknowledged the copies; {@code acked} is what the replication completed with. */
    abstract R answer(Object acked, PartitionTable applied);

    /** The answer when copying failed ({@code error} unwrapped): the write is in this member's store. */
    abstract R failed(Throwable error, PartitionTable applied);
}
