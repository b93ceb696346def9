package dev.tessera.grid.core.owner;

import dev.tessera.grid.core.cluster.QuorumTracker;
import dev.tessera.grid.core.cluster.ReadLease;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.replication.ChangeCause;
import dev.tessera.grid.core.replication.ChangeObservers;
import dev.tessera.grid.core.replication.Replicator;
import dev.tessera.grid.core.replication.StaleOwnerException;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.time.HybridClock;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.ReplicationMessages.ForwardedReply;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import dev.tessera.grid.core.wire.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;

/**
 * The owner's one write path, shared by every write kind ({@link PartitionWrite}: single-key operations, putAll,
 * clear, split-brain merge-in, removal by expiry or eviction): under the topology's read lock, re-checks
 * ownership at the table it applies with and applies the write; then tells near caches, runs the kind's
 * after-write step, copies to the replicas (in batches, or with the answer for a replica to forward), and once
 * they answered settles the uncommitted window and answers. Never blocks.
 *
 * <p>Settling: a write whose copy a replica rejected as stale first fences this member off the partition up to
 * the replica's table, so that neither the requester, retrying, nor anyone else is served the rejected value
 * here; any other failure leaves the write's outcome unknown, and its value is what this member holds.
 */
public final class PartitionWriter {
    final TopologyState topology;
    final HybridClock clock;
    final ChangeObservers observers;
    private final QuorumTracker quorum;
    private final KeyInvalidator invalidations;
    private final Replicator replicator;

    /**
     * @param observers     told of every change this member applies as primary, inside the key's update
     * @param invalidations told of each key changed in a near-cached map
     */
    public PartitionWriter(TopologyState topology, HybridClock clock, QuorumTracker quorum, ChangeObservers observers,
                           KeyInvalidator invalidations, Replicator replicator) {
        this.topology = topology;
        this.clock = clock;
        this.quorum = quorum;
        this.observers = observers;
        this.invalidations = invalidations;
        this.replicator = replicator;
    }

    /** Runs {@code w}; completes with its answer. Throws what the after-write step or the replicator threw. */
    <R> CompletableFuture<R> write(PartitionWrite<R> w) {
        PartitionStore store = w.store();
        PartitionTable applied;
        long stamp = topology.readLock();
        try {
            applied = topology.table();
            if (!w.ownedAt(topology, applied)) {
                return CompletableFuture.completedFuture(w.notOwner(applied));
            }
            w.apply(store);
        } finally {
            topology.unlockRead(stamp);
        }
        w.applied(applied);
        if (!w.changed()) {
            return w.unchanged(store, applied);
        }
        CompletableFuture<?> copied;
        try {
            copied = copy(w, applied);
            if (w.confirmsQuorum()) {
                copied = confirmingQuorum(copied, w);
            }
        } catch (RuntimeException e) {
            settle(w, store, e);
            throw e;
        }
        return copied.handle((acked, error) -> {
            settle(w, store, error);
            return error != null ? w.failed(unwrap(error), applied) : w.answer(acked, applied);
        });
    }

    /**
     * Removes {@code key} on this member's initiative, as its primary (expiry, eviction): writes a tombstone if the
     * entry is still live at {@code expectedVersion} and {@code stillApplies} to it, tells the observers with
     * {@code cause}, invalidates near caches and replicates the removal. Completes with whether the entry was
     * removed; a removal whose replication failed is completed {@code true} all the same (the backups' copies then
     * go when the next primary expires or evicts them).
     */
    public CompletableFuture<Boolean> removeAsPrimary(MapContainer map, int p, Bytes key, long expectedVersion,
                                                      Predicate<Record> stillApplies, ChangeCause cause) {
        return write(new RemovalWrite(this, map, p, key, expectedVersion, stillApplies, cause));
    }

    /**
     * {@code copied}, or, if it counted a replica that left as done, a failure with {@link QuorumUnconfirmedException}
     * unless the read lease confirms this side's quorum in a later view: a minority primary whose copy to the other
     * side ended when its failure detection dropped that side would acknowledge a write only the minority holds.
     */
    private CompletableFuture<?> confirmingQuorum(CompletableFuture<?> copied, PartitionWrite<?> w) {
        ReadLease lease = topology.readLease();
        if (lease == null) {
            return copied; // a topology without a lease serves CONSISTENT maps always (components tested alone)
        }
        return copied.thenCompose(acked -> !Boolean.FALSE.equals(acked) ? CompletableFuture.completedFuture(acked)
                : lease.confirmQuorum().thenApply(confirmed -> {
                    if (!confirmed) {
                        throw new QuorumUnconfirmedException("Map '" + w.map.name() + "' is CONSISTENT and a replica of"
                                + " partition " + w.partition + " left the cluster during this write; this side could not"
                                + " confirm that it still holds a quorum (" + quorum.describe() + "). The write was applied"
                                + " here and may survive: read the key again once the cluster is whole");
                    }
                    return acked;
                }));
    }

    private CompletableFuture<?> copy(PartitionWrite<?> w, PartitionTable applied) {
        MapContainer map = w.map;
        int p = w.partition;
        List<ReplicaEntry> copies = w.copies();
        if (map.config().nearCache() != null) {
            for (int i = 0; i < copies.size(); i++) { // indexed: no iterator on the single-key path
                invalidations.changed(map.name(), p, copies.get(i).key());
            }
        }
        w.beforeCopy();
        ForwardedReply reply = w.forwardTo(applied);
        if (reply != null) {
            return replicator.replicateAndForward(applied, map.name(), map.config(), p, copies, reply);
        }
        int batch = w.batchSize();
        if (copies.size() <= batch) {
            return replicator.replicate(applied, map.name(), map.config(), p, copies);
        }
        List<CompletableFuture<Boolean>> acks = new ArrayList<>();
        for (int from = 0; from < copies.size(); from += batch) {
            acks.add(replicator.replicate(applied, map.name(), map.config(), p,
                    copies.subList(from, Math.min(copies.size(), from + batch))));
        }
        return Replicator.allApplied(acks);
    }

    private void settle(PartitionWrite<?> w, PartitionStore store, Throwable error) {
        boolean rejected = false;
        if (unwrap(error) instanceof StaleOwnerException stale) {
            topology.fence(new int[] {w.partition}, stale.tableVersion());
            rejected = true;
        }
        w.settleKeys(store);
        w.commit.complete(!rejected);
    }

    /** Whether this side of the cluster has lost its quorum (a CONSISTENT write applied here is then refused). */
    boolean quorumLost() {
        return !quorum.hasQuorum();
    }

    /** @param applied whether the write is already in this member's store */
    OpResponse unavailable(MapContainer map, long tableVersion, boolean applied) {
        String message = "Map '" + map.name() + "' is CONSISTENT and this side of the cluster sees only " + quorum.describe()
                + ": writes are refused until the partition heals";
        return applied
                ? OpResponse.appliedThenRefused(Status.UNAVAILABLE, tableVersion, message
                        + " (this write was refused after it had been applied on this side: it may survive)")
                : new OpResponse(Status.UNAVAILABLE, false, null, 0, tableVersion, message);
    }

    /** The answer to a client write applied here whose replication failed with {@code cause}. */
    static OpResponse failure(Throwable cause, long tableVersion) {
        if (cause instanceof QuorumUnconfirmedException) {
            return OpResponse.appliedThenRefused(Status.UNAVAILABLE, tableVersion, cause.getMessage());
        }
        if (cause instanceof StaleOwnerException) {
            // the caller retries with a newer table; our copy of the write stays in our store
            return OpResponse.appliedThenRefused(Status.WRONG_OWNER, tableVersion, cause.getMessage());
        }
        return new OpResponse(Status.ofFailure(cause), false, null, 0, tableVersion, cause.getMessage());
    }

    /** The failure inside a {@link CompletionException}, which dependent stages wrap around it. */
    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
