package dev.tessera.grid.core.nearcache;

import dev.tessera.grid.core.time.TimeSource;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import dev.tessera.grid.GridIntrospection.NearCacheStats;
import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.core.store.Bytes;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * One map's near cache on this member: deserialized values of remote keys, bounded by Caffeine.
 *
 * <p>Races: a reader takes the partition's invalidation {@link #stamp} before asking the primary,
 * and {@link #putIfUnchanged} caches the answer only if no invalidation of that partition happened
 * meanwhile (it puts, then re-checks, so an invalidation landing between the two still wins).
 * Values are shared between readers: callers must not mutate them.
 *
 * <p>Expiry: an entry is kept for the configured near-cache time-to-live, and never past the
 * expiry time its primary gave with the value (the entry's own time-to-live or max-idle deadline).
 */
public final class NearCache {
    /** One read in this many updates the eviction policy (see {@link #get}). */
    static final int RECORDED_READS = 8;

    private final Cache<Bytes, Cached> cache;
    private final Policy<Bytes, Cached> quiet;
    private final AtomicLongArray invalidationCounts;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder invalidated = new LongAdder();

    /** @param expiresAt wall-clock millis after which the primary no longer has the entry; 0 for never */
    private record Cached(Object value, int partition, long expiresAt) {}

    private final TimeSource time;

    public NearCache(NearCacheConfig config, int partitionCount, TimeSource time) {
        this.time = time;
        long ttlNanos = config.timeToLive() == null ? Long.MAX_VALUE : config.timeToLive().toNanos();
        // maintenance on the calling thread: no hand-off to the common pool per write (2 cores, many small operations)
        this.cache = Caffeine.newBuilder().maximumSize(config.maxEntries()).expireAfter(new EntryExpiry(ttlNanos, time)).ticker(time::nanoTime)
                .executor(Runnable::run).build();
        this.quiet = cache.policy();
        this.invalidationCounts = new AtomicLongArray(partitionCount);
    }

    /**
     * The cached value, or {@code null}; counts a hit or a miss. One read in {@link #RECORDED_READS} is told to
     * Caffeine's eviction policy, the others read quietly: each recorded read stores a reference in Caffeine's
     * read buffer and reorders its deques, and on the reading member of the W3 benchmark those stores cost more
     * CPU in G1's card refinement than the reads themselves. Sampled reads keep the policy's picture of which
     * keys are hot (every key is sampled alike); expiry is checked on every read.
     */
    public Object get(Bytes key) {
        Cached c = ThreadLocalRandom.current().nextInt(RECORDED_READS) == 0 ? cache.getIfPresent(key) : quiet.getIfPresentQuietly(key);
        if (c == null) {
            misses.increment();
            return null;
        }
        hits.increment();
        return c.value;
    }

    /** Take before reading from the primary; pass to {@link #putIfUnchanged}. */
    public long stamp(int partition) {
        return invalidationCounts.get(partition);
    }

    public void putIfUnchanged(Bytes key, Object value, int partition, long stamp) {
        putIfUnchanged(key, value, partition, stamp, 0);
    }

    /** @param expiresAt when the primary said the entry expires (wall-clock millis), 0 for never */
    public void putIfUnchanged(Bytes key, Object value, int partition, long stamp, long expiresAt) {
        if (value == null || invalidationCounts.get(partition) != stamp
                || (expiresAt != 0 && expiresAt <= time.wallMillis())) {
            return;
        }
        cache.put(key, new Cached(value, partition, expiresAt));
        if (invalidationCounts.get(partition) != stamp) {
            cache.invalidate(key);
        }
    }

    public void invalidate(Bytes key, int partition) {
        invalidationCounts.incrementAndGet(partition);
        if (cache.asMap().remove(key) != null) {
            invalidated.increment();
        }
    }

    /** Drops every entry of a partition: its primary changed or an invalidation may have been missed. */
    public void invalidatePartition(int partition) {
        invalidationCounts.incrementAndGet(partition);
        cache.asMap().values().removeIf(c -> c.partition == partition);
    }

    public void clear() {
        for (int p = 0; p < invalidationCounts.length(); p++) {
            invalidationCounts.incrementAndGet(p);
        }
        cache.invalidateAll();
    }

    public NearCacheStats stats() {
        return new NearCacheStats(cache.estimatedSize(), hits.sum(), misses.sum(), invalidated.sum());
    }

    /** Write time plus the near cache's time-to-live, capped at the entry's own expiry; reads do not extend it. */
    private record EntryExpiry(long ttlNanos, TimeSource time) implements Expiry<Bytes, Cached> {
        @Override
        public long expireAfterCreate(Bytes key, Cached c, long currentTime) {
            if (c.expiresAt == 0) {
                return ttlNanos;
            }
            long left = TimeUnit.MILLISECONDS.toNanos(Math.max(0, c.expiresAt - time.wallMillis()));
            return Math.min(ttlNanos, left);
        }

        @Override
        public long expireAfterUpdate(Bytes key, Cached c, long currentTime, long currentDuration) {
            return expireAfterCreate(key, c, currentTime);
        }

        @Override
        public long expireAfterRead(Bytes key, Cached c, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
