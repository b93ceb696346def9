package dev.tessera.grid.core.nearcache;

import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.core.wire.EventMessages.Invalidations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's side of near-cache invalidation: collects the keys it changed in near-cached maps
 * and broadcasts them in batches every {@link NearCacheConfig#INVALIDATION_DELAY}, each key with
 * the next number of its (map, partition) sequence so receivers can tell when they missed one.
 */
public final class InvalidationPublisher {
    private static final Logger log = LoggerFactory.getLogger(InvalidationPublisher.class);
    private static final int MAX_BATCH = 512;

    private final Messenger messenger;
    private final int partitionCount;
    private final Map<String, AtomicLongArray> sequences = new ConcurrentHashMap<>();
    private final Map<String, List<Invalidations.Entry>> pending = new ConcurrentHashMap<>();

    public InvalidationPublisher(Messenger messenger, int partitionCount, ScheduledExecutorService scheduler) {
        this.messenger = messenger;
        this.partitionCount = partitionCount;
        long period = NearCacheConfig.INVALIDATION_DELAY.toMillis();
        scheduler.scheduleWithFixedDelay(this::flush, period, period, TimeUnit.MILLISECONDS);
    }

    /** Called by the primary after it changed {@code key} of a near-cached map. */
    public void changed(String map, int partition, byte[] key) {
        long seq = sequences.computeIfAbsent(map, m -> new AtomicLongArray(partitionCount)).incrementAndGet(partition);
        List<Invalidations.Entry> batch = pending.computeIfAbsent(map, m -> new ArrayList<>());
        boolean full;
        synchronized (batch) {
            batch.add(new Invalidations.Entry(partition, seq, key));
            full = batch.size() >= MAX_BATCH;
        }
        if (full) {
            flush(map, batch);
        }
    }

    /** Forgets a destroyed map's sequences and pending invalidations. */
    public void forget(String map) {
        sequences.remove(map);
        pending.remove(map);
    }

    private void flush() {
        pending.forEach(this::flush);
    }

    private void flush(String map, List<Invalidations.Entry> batch) {
        List<Invalidations.Entry> out;
        synchronized (batch) {
            if (batch.isEmpty()) {
                return;
            }
            // Sorted by sequence within a partition, as receivers check for gaps in order.
            out = new ArrayList<>(batch);
            batch.clear();
            out.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition()) : Long.compare(a.sequence(), b.sequence()));
        }
        try {
            messenger.broadcast(new Invalidations(map, out).encode());
        } catch (RuntimeException e) {
            log.debug("Invalidation broadcast for map '{}' failed: {}", map, e.toString());
        }
    }
}
