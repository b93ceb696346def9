package dev.tessera.grid.core.replication;

import dev.tessera.grid.GridTimeoutException;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.wire.Messages.ClientOp;
import dev.tessera.grid.core.wire.Messages.OpResponse;
import dev.tessera.grid.core.wire.Messages.ReplicaEntry;
import dev.tessera.grid.core.wire.OpCode;
import dev.tessera.grid.core.wire.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jgroups.Address;

/**
 * Executes single-key operations on this member as the partition's primary: checks ownership at the
 * current table, applies the operation atomically to the key, and acknowledges once the synchronous
 * replicas applied the copy. Never blocks: the returned future completes when the replicas answer.
 */
public final class PrimaryOperations {
    /** Entries per replication message when a whole partition is cleared. */
    private static final int CLEAR_BATCH = 1000;

    private final TopologyState topology;
    private final LocalStorage storage;
    private final Replicator replicator;

    public PrimaryOperations(TopologyState topology, LocalStorage storage, Replicator replicator) {
        this.topology = topology;
        this.storage = storage;
        this.replicator = replicator;
    }

    /**
     * @param remote whether the operation came from another member, whose table version must then
     *               not be newer than ours (if it is, ours is stale and the caller retries)
     */
    public CompletableFuture<OpResponse> execute(ClientOp op, boolean remote) {
        PartitionTable t = topology.table();
        if (remote && op.tableVersion() > t.version()) {
            return done(OpResponse.status(Status.RETRY, t.version()));
        }
        Address self = topology.self();
        if (!self.equals(t.primary(op.partition()))) {
            return done(OpResponse.status(Status.WRONG_OWNER, t.version()));
        }
        MapContainer map;
        try {
            map = storage.getOrCreate(op.map(), op.config());
        } catch (IllegalArgumentException e) {
            return done(new OpResponse(Status.ERROR, false, null, 0, t.version(), e.getMessage()));
        }
        PartitionStore store = map.partition(op.partition());
        if (!op.code().mutating) {
            return done(read(store, op, t.version()));
        }
        if (op.code() == OpCode.CLEAR_PARTITION) {
            return clear(map, op.partition());
        }
        KeyMutation m = new KeyMutation(op, topology, System.nanoTime());
        PartitionTable applied;
        long stamp = topology.readLock();
        try {
            applied = topology.table();
            if (!self.equals(applied.primary(op.partition()))) {
                return done(OpResponse.status(Status.WRONG_OWNER, applied.version()));
            }
            store.compute(Bytes.wrap(op.key()), m);
        } finally {
            topology.unlockRead(stamp);
        }
        OpResponse response = new OpResponse(Status.OK, m.flag,
                KeyMutation.returnsPrevious(op.code()) ? m.previous : null, m.previousVersion, applied.version(), null);
        if (!m.changed) {
            return done(response);
        }
        List<ReplicaEntry> copy = List.of(new ReplicaEntry(op.key(), m.newValue, m.newVersion));
        return replicator.replicate(applied, map.name(), map.config(), op.partition(), copy)
                .handle((ok, error) -> error == null ? response : failure(error, applied.version()));
    }

    private static OpResponse read(PartitionStore store, ClientOp op, long tableVersion) {
        Record r = store.getLive(Bytes.wrap(op.key()));
        return switch (op.code()) {
            case GET -> new OpResponse(Status.OK, r != null, r == null ? null : r.value(), 0, tableVersion, null);
            case CONTAINS -> new OpResponse(Status.OK, r != null, null, 0, tableVersion, null);
            case GET_VERSIONED -> new OpResponse(Status.OK, r != null, r == null ? null : r.value(),
                    r == null ? 0 : r.version(), tableVersion, null);
            default -> throw new IllegalArgumentException(op.code() + " is not a read");
        };
    }

    /** Removes every live entry of the partition, leaving versioned tombstones, and replicates in batches. */
    private CompletableFuture<OpResponse> clear(MapContainer map, int p) {
        PartitionStore store = map.partition(p);
        List<ReplicaEntry> removed = new ArrayList<>();
        PartitionTable applied;
        long stamp = topology.readLock();
        try {
            applied = topology.table();
            if (!topology.self().equals(applied.primary(p))) {
                return done(OpResponse.status(Status.WRONG_OWNER, applied.version()));
            }
            long now = System.nanoTime();
            for (Map.Entry<Bytes, Record> e : store.entries()) {
                store.compute(e.getKey(), (k, cur) -> {
                    if (cur == null || cur.isTombstone()) {
                        return cur;
                    }
                    long v = topology.nextVersion(p);
                    removed.add(new ReplicaEntry(k.array(), null, v));
                    return new Record(null, v, now);
                });
            }
        } finally {
            topology.unlockRead(stamp);
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int from = 0; from < removed.size(); from += CLEAR_BATCH) {
            List<ReplicaEntry> batch = removed.subList(from, Math.min(removed.size(), from + CLEAR_BATCH));
            acks.add(replicator.replicate(applied, map.name(), map.config(), p, batch));
        }
        OpResponse ok = new OpResponse(Status.OK, !removed.isEmpty(), null, 0, applied.version(), null);
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                .handle((v, error) -> error == null ? ok : failure(error, applied.version()));
    }

    private static OpResponse failure(Throwable error, long tableVersion) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof StaleOwnerException) {
            return OpResponse.status(Status.WRONG_OWNER, tableVersion);
        }
        String kind = cause instanceof GridTimeoutException ? "timeout: " : "";
        return new OpResponse(Status.ERROR, false, null, 0, tableVersion, kind + cause.getMessage());
    }

    private static CompletableFuture<OpResponse> done(OpResponse r) {
        return CompletableFuture.completedFuture(r);
    }
}
