package dev.tessera.grid.core.owner;

import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.store.UncommittedWrites;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.OpCode;
import dev.tessera.grid.core.wire.Status;
import java.util.concurrent.CompletableFuture;

/**
 * Single-key reads at the primary, after the {@link OwnerGate} admitted them: a read answers from the live record
 * and only once the latest write of the key is committed ({@link UncommittedWrites}).
 */
final class OwnerReads {
    private OwnerReads() {
    }

    /**
     * Reads {@code op}'s key of {@code map}; RETRY if a table change or a successor's fence since {@code readStamp}
     * (taken before the ownership check) may have made the read stale.
     */
    static CompletableFuture<OpResponse> read(TopologyState topology, MapContainer map, ClientOp op, long readStamp,
                                              long tableVersion) {
        Bytes key = Bytes.wrap(op.key());
        OpResponse read = read(map, op, key, tableVersion);
        if (!topology.validate(readStamp)) {
            return CompletableFuture.completedFuture(OpResponse.status(Status.RETRY, tableVersion));
        }
        return afterCommitOf(map.peek(op.partition()), key, read, tableVersion);
    }

    /** A read that needs no state of the map: no store to read through, no load lease. */
    static boolean isPlainRead(ClientOp op) {
        return (op.code() == OpCode.GET || op.code() == OpCode.CONTAINS || op.code() == OpCode.GET_VERSIONED)
                && op.config().mapStore() == null;
    }

    /** @param map {@code null} for a map this member holds nothing of */
    static OpResponse read(MapContainer map, ClientOp op, Bytes key, long tableVersion) {
        long now = map == null ? 0 : map.nowMillis(); // nothing to expire in a map this member does not hold
        Record r = map == null ? null : map.readLive(op.partition(), key, now, true);
        long expiresAt = r == null ? 0 : map.expiresAtIfIdle(r, now); // a near cache must not outlive the entry
        return switch (op.code()) {
            case GET -> new OpResponse(Status.OK, r != null, r == null ? null : r.value(), 0, tableVersion, null, expiresAt);
            case CONTAINS -> new OpResponse(Status.OK, r != null, null, 0, tableVersion, null);
            case GET_VERSIONED -> new OpResponse(Status.OK, r != null, r == null ? null : r.value(),
                    r == null ? 0 : r.version(), tableVersion, null, expiresAt);
            default -> throw new IllegalArgumentException(op.code() + " is not a read");
        };
    }

    /**
     * {@code response}, once the latest write of {@code key} is committed; RETRY if a replica rejected that
     * write (see {@link UncommittedWrites}). The response was decided before: the read is linearized at the
     * moment it saw the record, which is after that write was applied.
     */
    static CompletableFuture<OpResponse> afterCommitOf(PartitionStore store, Bytes key, OpResponse response, long tableVersion) {
        CompletableFuture<Boolean> commit = store.uncommitted().of(key);
        if (commit == null) {
            return CompletableFuture.completedFuture(response);
        }
        return commit.thenApply(committed -> committed ? response : OpResponse.status(Status.RETRY, tableVersion));
    }
}
