package dev.tessera.grid.core.time;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * Makes the scheduler a member runs its retries, timeouts and periodic work on (lease renewal, tombstone purge,
 * load-lease sweeps, invalidation flushes). The member owns what it is given and shuts it down when it stops.
 */
@FunctionalInterface
public interface SchedulerFactory {
    /** A scheduler of {@code threads} worker threads, made by {@code threadFactory} (daemons named after the member). */
    ScheduledExecutorService create(int threads, ThreadFactory threadFactory);

    /**
     * The scheduler that matches {@code time}: the JDK's pool for the system clocks, a {@link TimedScheduler} for any
     * other time source, so a test that moves its time also moves the member's scheduled work.
     */
    static SchedulerFactory following(TimeSource time) {
        if (time == TimeSource.SYSTEM) {
            return Executors::newScheduledThreadPool;
        }
        return (threads, threadFactory) -> new TimedScheduler(time, threads, threadFactory);
    }
}
