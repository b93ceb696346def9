package dev.tessera.grid.core.mapstore;

import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.OpCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Loads missing keys from the store at their primary and writes them through the normal replicated
 * path ({@link OpCode#LOAD_IF_ABSENT}, so a write since the miss wins over the loaded value).
 *
 * <p>Single flight: concurrent misses of a key share one load; loads run on the key's stripe, which
 * re-checks the key first, so a miss that arrives after a load was applied does not load again.
 */
final class ReadThrough {
    private record LoadKey(String map, Bytes key) {}

    private final TopologyState topology;
    private final StoreThreads threads;
    private final long timeoutMillis;
    private final ConcurrentHashMap<LoadKey, CompletableFuture<Void>> inflight = new ConcurrentHashMap<>();

    ReadThrough(TopologyState topology, StoreThreads threads, long timeoutMillis) {
        this.topology = topology;
        this.threads = threads;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Completes once {@code key} was loaded and applied locally (or needed no load); exceptionally with
     * the store's {@link dev.tessera.grid.GridLoadException} if the load threw.
     */
    CompletableFuture<Void> ensureLoaded(StoreBinding b, MapContainer map, int p, Bytes key,
                                         Function<ClientOp, CompletableFuture<OpResponse>> apply) {
        LoadKey k = new LoadKey(map.name(), key);
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = inflight.putIfAbsent(k, mine);
        if (running != null) {
            return running;
        }
        Executor stripe;
        try {
            stripe = threads.stripe(b.config.storeName(), key);
        } catch (RejectedExecutionException stopped) {
            inflight.remove(k, mine);
            mine.completeExceptionally(new IllegalStateException("member stopped", stopped));
            return mine;
        }
        try {
            stripe.execute(() -> {
                // unregister before completing: a miss arriving in between must start a new load, not get this
                // (possibly failed) outcome; after the local apply, so a later miss finds a loaded value
                try {
                    loadNow(b, map, p, key, apply);
                    inflight.remove(k, mine);
                    mine.complete(null);
                } catch (RuntimeException e) {
                    inflight.remove(k, mine);
                    mine.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException rejected) {
            inflight.remove(k, mine);
            mine.completeExceptionally(new IllegalStateException(StoreThreads.describe(rejected, b.config.storeName(), stripe),
                    rejected));
        }
        return mine;
    }

    /**
     * On the key's stripe: loads and applies {@code key} unless it is present or has a change waiting for
     * the store. The local apply is done on return; its replication may still be in flight.
     */
    void loadNow(StoreBinding b, MapContainer map, int p, Bytes key, Function<ClientOp, CompletableFuture<OpResponse>> apply) {
        long now = map.nowMillis();
        if (map.readLive(p, key, now, false) != null || b.pending(p, key)) {
            return;
        }
        Record raw = map.peek(p).get(key);
        byte[] value = b.store.load(key.array());
        if (value == null) {
            return;
        }
        apply.apply(new ClientOp(topology.table().version(), map.name(), map.config(), p, OpCode.LOAD_IF_ABSENT, key.array(),
                value, null, raw == null ? 0 : raw.version(), now + timeoutMillis, topology.self()));
    }
}
