package dev.tessera.grid.core.loading;

import dev.tessera.grid.core.time.TimeSource;
import dev.tessera.grid.GridLoadException;
import dev.tessera.grid.LoadOptions;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.serialization.KryoCodec;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.OpCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller's side of {@code getOrLoad} (and of {@code computeIfAbsent} on a miss): asks the key's
 * primary for the value or a lease ({@link LoadLeases}); with a lease, runs the loader on the calling
 * thread and stores the result through the replicated write path ({@code LOAD_COMPLETE}), or reports
 * the loader's exception ({@code LOAD_FAILED}) so the waiting callers fail too. A refresh lease (early
 * refresh, stale-while-revalidate) comes with the current value: the caller returns it at once and
 * reloads in the background.
 */
public final class LoadFlow {
    private static final Logger log = LoggerFactory.getLogger(LoadFlow.class);
    /** Longest loader-failure description sent to the waiting callers. */
    private static final int MAX_ERROR_CHARS = 2_000;

    /** Sends one operation to the key's primary: the map's own call path, which keeps its near cache coherent. */
    @FunctionalInterface
    public interface Caller {
        CompletableFuture<OpResponse> call(OpCode code, int partition, byte[] key, byte[] value, byte[] expected,
                                           long expectedVersion, long ttlMillis);
    }

    private static final AtomicInteger REFRESH_THREADS = new AtomicInteger();
    /**
     * Background refreshes run here: never on a messaging thread, and not on the common pool, which a
     * blocking loader could starve (it has one thread on a two-core machine). Idle threads go after 60 s.
     */
    private static final Executor REFRESHES = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tessera-load-refresh-" + REFRESH_THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private final String map;
    private final MapConfig config;
    private final KryoCodec codec;
    private final Caller caller;

    private final TimeSource time;
    private final BooleanSupplier running;

    /** @param running whether the member still runs: a caller stops waiting for an operation once it does not */
    public LoadFlow(String map, MapConfig config, KryoCodec codec, Caller caller, TimeSource time, BooleanSupplier running) {
        this.time = time;
        this.running = running;
        this.map = map;
        this.config = config;
        this.codec = codec;
        this.caller = caller;
    }

    private <T> T awaitCall(CompletableFuture<T> call) {
        return Futures.await(call, running);
    }

    /**
     * @throws IllegalArgumentException naming the option, for a time-to-live under 1 ms, or early refresh
     *                                  or stale-while-revalidate without any time-to-live
     */
    public static void validate(LoadOptions options, MapConfig config) {
        Objects.requireNonNull(options, "options");
        requireMillis("timeToLive", options.timeToLive());
        requireMillis("staleWhileRevalidate", options.staleWhileRevalidate());
        boolean expires = options.timeToLive() != null || config.timeToLive() != null;
        if (options.earlyRefreshBeta() > 0 && !expires) {
            throw new IllegalArgumentException("LoadOptions earlyRefreshBeta " + options.earlyRefreshBeta()
                    + " needs a time-to-live: set LoadOptions timeToLive or the map's MapConfig timeToLive");
        }
        if (options.staleWhileRevalidate() != null && !expires) {
            throw new IllegalArgumentException("LoadOptions staleWhileRevalidate needs a time-to-live: set LoadOptions"
                    + " timeToLive or the map's MapConfig timeToLive");
        }
    }

    private static void requireMillis(String option, Duration d) {
        if (d != null && d.toMillis() < 1) {
            throw new IllegalArgumentException("LoadOptions " + option + " must be at least 1 ms, was " + d);
        }
    }

    /**
     * The value of {@code key} ({@code k}, in partition {@code p}), loaded once cluster-wide on a miss.
     *
     * @param ownFailureAsIs whether this caller rethrows its own loader's unchecked exception unwrapped
     *                       ({@code computeIfAbsent}) instead of in a {@link GridLoadException}
     */
    public <K, V> V getOrLoad(K key, byte[] k, int p, LoadOptions options, Function<? super K, ? extends V> loader,
                              boolean ownFailureAsIs) {
        long beta = Double.doubleToRawLongBits(options.earlyRefreshBeta());
        OpResponse r = awaitCall(caller.call(OpCode.LOAD_OR_LEASE, p, k, null, null, beta, 0));
        if (r.error() != null) {
            throw new GridLoadException("getOrLoad on map '" + map + "': the loader threw on the caller that loaded this key: "
                    + r.error());
        }
        if (!r.flag()) {
            return value(r.value());
        }
        long lease = r.version();
        if (r.value() == null) {
            return load(key, k, p, lease, options, loader, ownFailureAsIs);
        }
        REFRESHES.execute(() -> refresh(key, k, p, lease, options, loader));
        return value(r.value());
    }

    private <K, V> void refresh(K key, byte[] k, int p, long lease, LoadOptions options, Function<? super K, ? extends V> loader) {
        try {
            load(key, k, p, lease, options, loader, false);
        } catch (RuntimeException e) {
            log.warn("Background refresh of a key of map '{}' failed: {}", map, e.toString());
        }
    }

    /** Runs the loader under lease {@code lease} and stores (or reports) the outcome. */
    private <K, V> V load(K key, byte[] k, int p, long lease, LoadOptions options, Function<? super K, ? extends V> loader,
                          boolean ownFailureAsIs) {
        long start = time.nanoTime();
        V loaded;
        byte[] bytes;
        try {
            loaded = loader.apply(key);
            bytes = loaded == null ? null : codec.serialize(loaded);
        } catch (RuntimeException | Error e) {
            reportFailure(k, p, lease, describe(e));
            if (e instanceof Error err) {
                throw err;
            }
            if (ownFailureAsIs) {
                throw (RuntimeException) e;
            }
            throw new GridLoadException("getOrLoad on map '" + map + "': the loader threw " + describe(e), e);
        }
        OpResponse stored;
        try {
            LoadStamp stamp = new LoadStamp(millis(options.staleWhileRevalidate()), loadMillis(start, options));
            stored = awaitCall(caller.call(OpCode.LOAD_COMPLETE, p, k, bytes, stamp.encode(), lease, millis(options.timeToLive())));
        } catch (RuntimeException e) {
            reportFailure(k, p, lease, "storing the loaded value failed: " + describe(e));
            throw e;
        }
        // not stored because another write got there first (computeIfAbsent semantics): that value wins
        return stored.flag() || stored.value() == null ? loaded : value(stored.value());
    }

    /** Ends the lease with the loader's failure, so the waiting callers fail now rather than at their timeout. */
    private void reportFailure(byte[] k, int p, long lease, String why) {
        String text = why.length() > MAX_ERROR_CHARS ? why.substring(0, MAX_ERROR_CHARS) + "..." : why;
        try {
            awaitCall(caller.call(OpCode.LOAD_FAILED, p, k, text.getBytes(StandardCharsets.UTF_8), null, lease, 0));
        } catch (RuntimeException e) {
            log.debug("Could not report a failed load of map '{}' (the lease runs out instead): {}", map, e.toString());
        }
    }

    /** How long the load took, for early refresh; 0 (no load data kept) for a value that never expires. */
    private int loadMillis(long startNanos, LoadOptions options) {
        if (options.timeToLive() == null && config.timeToLive() == null) {
            return 0;
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(time.nanoTime() - startNanos);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
    }

    private static long millis(Duration d) {
        return d == null ? 0 : d.toMillis();
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getName() : e.getClass().getName() + ": " + e.getMessage();
    }

    @SuppressWarnings("unchecked")
    private <V> V value(byte[] bytes) {
        return bytes == null ? null : (V) codec.deserialize(bytes);
    }
}
