package dev.tessera.grid.core.store.metrics;

import dev.tessera.grid.GridIntrospection.MapOperation;
import dev.tessera.grid.GridIntrospection.OperationTimer;
import dev.tessera.grid.Registration;
import dev.tessera.grid.core.time.TimeSource;
import java.util.Arrays;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link OperationTimer}s bound to this member. With none (the default) a map operation pays one volatile read
 * and never reads the clock; timing costs only while a metrics registry asked for it.
 */
public final class OperationTimers {
    private static final Logger log = LoggerFactory.getLogger(OperationTimers.class);
    private static final OperationTimer[] NONE = new OperationTimer[0];

    private volatile OperationTimer[] timers = NONE;
    private final TimeSource time;

    /** @param time the clock operations are timed with */
    public OperationTimers(TimeSource time) {
        this.time = time;
    }

    /** A reading of the timing clock, in nanoseconds. */
    public long nanoTime() {
        return time.nanoTime();
    }

    /** Whether an operation starting now must be timed. */
    public boolean active() {
        return timers.length > 0;
    }

    public synchronized Registration add(OperationTimer timer) {
        Objects.requireNonNull(timer, "timer");
        OperationTimer[] next = Arrays.copyOf(timers, timers.length + 1);
        next[timers.length] = timer;
        timers = next;
        return () -> remove(timer);
    }

    private synchronized void remove(OperationTimer timer) {
        OperationTimer[] now = timers;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == timer) {
                OperationTimer[] next = new OperationTimer[now.length - 1];
                System.arraycopy(now, 0, next, 0, i);
                System.arraycopy(now, i + 1, next, i, now.length - i - 1);
                timers = next;
                return;
            }
        }
    }

    void record(String map, MapOperation operation, long nanos) {
        for (OperationTimer t : timers) {
            try {
                t.record(map, operation, nanos);
            } catch (RuntimeException e) {
                log.debug("Operation timer {} failed; ignored", t, e); // a metrics bug must not fail the user's operation
            }
        }
    }
}
