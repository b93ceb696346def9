package dev.tessera.grid.core.mapstore;

import dev.tessera.grid.GridException;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.OpCode;
import dev.tessera.grid.core.wire.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Write-through at the primary, on the key's stripe (so one key's store calls follow the order of its
 * changes): decide the operation's outcome from the live record (read through first on a miss if the
 * outcome depends on it), call the store, then apply that outcome through the normal path guarded by
 * the record's version. A store that throws leaves the map unchanged and fails the operation.
 */
final class WriteThrough {
    /** Re-decisions when the record changed between decision and apply (expiry, eviction). */
    private static final int MAX_ATTEMPTS = 10;

    private final ReadThrough reads;
    private final long timeoutMillis;

    WriteThrough(ReadThrough reads, long timeoutMillis) {
        this.reads = reads;
        this.timeoutMillis = timeoutMillis;
    }

    /** Runs on the key's stripe; blocks it until the change is replicated. */
    OpResponse execute(StoreBinding b, MapContainer map, ClientOp op, Function<ClientOp, CompletableFuture<OpResponse>> apply) {
        int p = op.partition();
        Bytes key = Bytes.wrap(op.key());
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Record live = map.readLive(p, key, map.nowMillis(), false);
            if (live == null && Outcome.needsPrevious(op.code())) {
                try {
                    reads.loadNow(b, map, p, key, apply);
                } catch (GridException e) {
                    return MapStoreService.error(e.getMessage());
                }
                live = map.readLive(p, key, map.nowMillis(), false);
            }
            Outcome o = Outcome.decide(op, live);
            if (!o.changes()) {
                return answer(op, o, map, null);
            }
            try {
                if (o.newValue() == null) {
                    b.store.delete(op.key());
                } else {
                    b.store.store(op.key(), o.newValue());
                }
            } catch (GridException e) {
                return MapStoreService.error(e.getMessage());
            }
            OpResponse r = await(apply.apply(new ClientOp(op.tableVersion(), op.map(), op.config(), p, OpCode.SET_IF_VERSION,
                    op.key(), o.newValue(), null, o.previousVersion(), op.deadlineMillis(), op.origin(), op.ttlMillis())));
            if (r.status() != Status.OK) {
                return r; // e.g. ownership moved: the caller retries at the new primary, which stores again (idempotent)
            }
            if (r.flag()) {
                return answer(op, o, map, r);
            }
        }
        return MapStoreService.error("map '" + map.name() + "': key kept changing while its write-through was applied");
    }

    /** CLEAR of a partition: deletes its live keys from the store, then clears it. */
    OpResponse clear(StoreBinding b, MapContainer map, ClientOp op, Function<ClientOp, CompletableFuture<OpResponse>> apply) {
        List<Bytes> keys = new ArrayList<>();
        for (Map.Entry<Bytes, Record> e : map.peek(op.partition()).entries()) {
            if (!e.getValue().isTombstone()) {
                keys.add(e.getKey());
            }
        }
        try {
            if (!keys.isEmpty()) {
                b.store.deleteAll(keys);
            }
        } catch (GridException e) {
            return MapStoreService.error(e.getMessage());
        }
        return await(apply.apply(op));
    }

    private static OpResponse answer(ClientOp op, Outcome o, MapContainer map, OpResponse applied) {
        long tableVersion = applied == null ? op.tableVersion() : applied.tableVersion();
        return new OpResponse(Status.OK, o.flag(), Outcome.returnsPrevious(op.code()) ? o.previous() : null, o.previousVersion(),
                tableVersion, null, applied == null ? 0 : applied.expiresAt());
    }

    private OpResponse await(CompletableFuture<OpResponse> f) {
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return MapStoreService.error("interrupted while the write was replicated");
        } catch (ExecutionException e) {
            return MapStoreService.error(String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            return MapStoreService.error("timeout: the write was not replicated within " + timeoutMillis + " ms");
        }
    }
}
