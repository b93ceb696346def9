package dev.tessera.grid.core.time;

/**
 * Where a member reads the time. Every part of grid-core that needs "now" (expiry, leases, deadlines, retries,
 * back-off) asks the member's one {@code TimeSource} instead of {@link System}, so a test can move time forward
 * instead of waiting for it.
 */
public interface TimeSource {
    /** The system clocks: {@link System#currentTimeMillis()} and {@link System#nanoTime()}. */
    TimeSource SYSTEM = new TimeSource() {
        @Override
        public long wallMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public String toString() {
            return "system time";
        }
    };

    /** Wall-clock milliseconds since the epoch: comparable across members (within their clock skew). */
    long wallMillis();

    /** A monotonic nanosecond reading for durations and deadlines on this member only. */
    long nanoTime();
}
