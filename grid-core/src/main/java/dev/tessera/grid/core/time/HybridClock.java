package dev.tessera.grid.core.time;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Hybrid logical clock: {@code wall-clock millis << 16 | counter}. Never goes backwards on one
 * member, stays close to wall time, and {@link #after(long)} orders a write after the one it
 * replaces even when the new writer's wall clock is behind, so latest-update-wins merges keep
 * causally later writes of a key.
 */
public final class HybridClock {
    private static final int LOGICAL_BITS = 16;
    private final AtomicLong last = new AtomicLong();
    private final LongSupplier wallMillis;

    public HybridClock(LongSupplier wallMillis) {
        this.wallMillis = wallMillis;
    }

    public static HybridClock system() {
        return new HybridClock(System::currentTimeMillis);
    }

    /** A timestamp later than every earlier one of this clock and than {@code previous}. */
    public long after(long previous) {
        long physical = wallMillis.getAsLong() << LOGICAL_BITS;
        return last.accumulateAndGet(Math.max(physical, previous + 1), (prev, candidate) -> Math.max(prev + 1, candidate));
    }

    /** The wall-clock milliseconds of a timestamp. */
    public static long millisOf(long hlc) {
        return hlc >>> LOGICAL_BITS;
    }

    public long wallMillis() {
        return wallMillis.getAsLong();
    }
}
