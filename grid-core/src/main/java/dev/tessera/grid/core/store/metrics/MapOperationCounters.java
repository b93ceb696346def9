package dev.tessera.grid.core.store.metrics;

import dev.tessera.grid.GridIntrospection.MapOperation;
import dev.tessera.grid.GridIntrospection.MapOperations;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts one map's completed operations on this member and, while a timer is bound ({@link OperationTimers}),
 * times them. Usage: {@code long t0 = ops.start();} before the operation, one of the completion methods after it
 * succeeded. A failed operation is not counted. No allocation unless an async operation is still in flight.
 */
public final class MapOperationCounters {
    private final String map;
    private final OperationTimers timers;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder removes = new LongAdder();

    public MapOperationCounters(String map, OperationTimers timers) {
        this.map = map;
        this.timers = timers;
    }

    /** {@link System#nanoTime()} if the operation is to be timed, else 0. */
    public long start() {
        return timers.active() ? timers.nanoTime() : 0;
    }

    /** A get returned {@code value} (null: a miss); returns it. */
    public <V> V got(V value, long start) {
        MapOperation op = value == null ? MapOperation.GET_MISS : MapOperation.GET_HIT;
        (value == null ? misses : hits).increment();
        time(op, start);
        return value;
    }

    public void put(long start) {
        puts.increment();
        time(MapOperation.PUT, start);
    }

    /**
     * A putAll of {@code entries} entries: each entry is a put, timed with an equal share of the call (so that a
     * timer's count and total time both match the counters).
     */
    public void putAll(int entries, long start) {
        puts.add(entries);
        if (start != 0 && entries > 0) {
            long share = (timers.nanoTime() - start) / entries;
            for (int i = 0; i < entries; i++) {
                timers.record(map, MapOperation.PUT, share);
            }
        }
    }

    public void removed(long start) {
        removes.increment();
        time(MapOperation.REMOVE, start);
    }

    /** {@link #got} when {@code f} succeeds; {@code f} itself if it is done already. */
    public <V> CompletableFuture<V> gotAsync(CompletableFuture<V> f, long start) {
        if (f.isDone() && !f.isCompletedExceptionally()) {
            got(f.join(), start);
            return f;
        }
        return f.whenComplete((v, e) -> {
            if (e == null) {
                got(v, start);
            }
        });
    }

    /** Counts {@code f} as {@code op} (PUT or REMOVE, {@code entries} of them) when it succeeds. */
    public <T> CompletableFuture<T> async(long start, MapOperation op, int entries, CompletableFuture<T> f) {
        if (f.isDone() && !f.isCompletedExceptionally()) {
            completed(op, entries, start);
            return f;
        }
        return f.whenComplete((v, e) -> {
            if (e == null) {
                completed(op, entries, start);
            }
        });
    }

    private void completed(MapOperation op, int entries, long start) {
        if (op == MapOperation.REMOVE) {
            removed(start);
        } else {
            putAll(entries, start);
        }
    }

    private void time(MapOperation op, long start) {
        if (start != 0) {
            timers.record(map, op, timers.nanoTime() - start);
        }
    }

    public MapOperations snapshot() {
        return new MapOperations(hits.sum(), misses.sum(), puts.sum(), removes.sum());
    }
}
