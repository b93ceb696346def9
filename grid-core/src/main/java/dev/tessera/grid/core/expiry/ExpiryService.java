package dev.tessera.grid.core.expiry;

import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.owner.PartitionWriter;
import dev.tessera.grid.core.store.LocalStorage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's expiry and eviction: the {@link ExpirySweeper} on a fixed delay and the
 * {@link Evictor}'s checks, on one thread of their own (never a messaging thread). Register
 * {@link #evictor()} as a change observer of the owner side and its after-write hook.
 */
public final class ExpiryService implements AutoCloseable {
    /** Time between sweep ticks. */
    public static final long SWEEP_INTERVAL_MILLIS = 100;
    /** Entries one sweep tick examines at most: with the interval, up to 100,000 entries a second. */
    public static final int SWEEP_BUDGET = 10_000;
    private static final Logger log = LoggerFactory.getLogger(ExpiryService.class);

    private final ScheduledExecutorService executor;
    private final ExpirySweeper sweeper;
    private final Evictor evictor;

    public ExpiryService(LocalStorage storage, TopologyState topology, PartitionWriter primary, String memberName) {
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "tessera-" + memberName + "-expiry");
            t.setDaemon(true);
            return t;
        };
        this.executor = Executors.newSingleThreadScheduledExecutor(threads);
        this.sweeper = new ExpirySweeper(storage, topology, primary, SWEEP_BUDGET);
        this.evictor = new Evictor(topology, primary, executor);
        executor.scheduleWithFixedDelay(this::sweep, SWEEP_INTERVAL_MILLIS, SWEEP_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            sweeper.tick();
        } catch (RuntimeException e) {
            log.error("Expiry sweep tick failed; the next tick resumes", e); // a throwing task would cancel the schedule
        }
    }

    public Evictor evictor() {
        return evictor;
    }

    /** The sweep's counters (thread-safe). */
    public ExpirySweeper.Stats sweepStats() {
        return sweeper.stats();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
