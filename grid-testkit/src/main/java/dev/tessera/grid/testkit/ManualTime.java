package dev.tessera.grid.testkit;

import dev.tessera.grid.core.time.TimeSource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TimeSource} a test moves forward with {@link #advance}. A running one ({@link #running()}, what a
 * {@link TestCluster}'s members read) is the system's time plus the offset: it keeps running on its own, so JGroups,
 * timeouts and schedulers see real time pass and nothing stalls, and a test that wants "two seconds later" jumps
 * there instead of waiting. A {@link #frozen()} one moves only when told, for exact checks of a single component.
 */
public final class ManualTime implements TimeSource {
    private final AtomicLong offsetNanos = new AtomicLong();
    private final boolean running;
    private final long startMillis = System.currentTimeMillis();
    private final long startNanos = System.nanoTime();

    private ManualTime(boolean running) {
        this.running = running;
    }

    /** System time plus what the test advanced. */
    public static ManualTime running() {
        return new ManualTime(true);
    }

    /** Starts at the system time of its creation and moves only by {@link #advance}. */
    public static ManualTime frozen() {
        return new ManualTime(false);
    }

    /** Moves this time forward by {@code d} at once. */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("time only moves forward; was asked to move by " + d);
        }
        offsetNanos.addAndGet(d.toNanos());
    }

    @Override
    public long wallMillis() {
        return (running ? System.currentTimeMillis() : startMillis) + offsetNanos.get() / 1_000_000;
    }

    @Override
    public long nanoTime() {
        return (running ? System.nanoTime() : startNanos) + offsetNanos.get();
    }

    @Override
    public String toString() {
        return (running ? "system time + " : "frozen time + ") + Duration.ofNanos(offsetNanos.get());
    }
}
