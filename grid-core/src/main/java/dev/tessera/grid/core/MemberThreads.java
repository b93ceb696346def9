package dev.tessera.grid.core;

import dev.tessera.grid.core.time.SchedulerFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The member's own threads (daemons named after the member): a small scheduler for retries and periodic work, made by
 * the {@link SchedulerFactory} the member was started with, and one thread each for the coordinator, migrations and
 * membership events. JGroups' threads only decode and hand over.
 */
record MemberThreads(ScheduledExecutorService scheduler, ScheduledExecutorService coordinator,
                     ScheduledExecutorService migration, ExecutorService events) {

    static MemberThreads of(String memberName, SchedulerFactory schedulers) {
        String prefix = "tessera-" + memberName;
        return new MemberThreads(schedulers.create(2, threads(prefix + "-scheduler")),
                Executors.newSingleThreadScheduledExecutor(threads(prefix + "-coordinator")),
                Executors.newSingleThreadScheduledExecutor(threads(prefix + "-migration")),
                Executors.newSingleThreadExecutor(threads(prefix + "-events")));
    }

    /** The executors other than the scheduler (which a stopping member shuts down first). */
    void shutdownWorkersNow() {
        coordinator.shutdownNow();
        migration.shutdownNow();
        events.shutdownNow();
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
