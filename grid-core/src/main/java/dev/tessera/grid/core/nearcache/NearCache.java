package dev.tessera.grid.core.nearcache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tessera.grid.GridIntrospection.NearCacheStats;
import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.core.store.Bytes;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * One map's near cache on this member: deserialized values of remote keys, bounded by Caffeine.
 *
 * <p>Races: a reader takes the partition's invalidation {@link #stamp} before asking the primary,
 * and {@link #putIfUnchanged} caches the answer only if no invalidation of that partition happened
 * meanwhile (it puts, then re-checks, so an invalidation landing between the two still wins).
 * Values are shared between readers: callers must not mutate them.
 */
public final class NearCache {
    private final Cache<Bytes, Cached> cache;
    private final AtomicLongArray invalidationCounts;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder invalidated = new LongAdder();

    private record Cached(Object value, int partition) {}

    public NearCache(NearCacheConfig config, int partitionCount) {
        Caffeine<Object, Object> b = Caffeine.newBuilder().maximumSize(config.maxEntries());
        if (config.timeToLive() != null) {
            b.expireAfterWrite(config.timeToLive());
        }
        this.cache = b.build();
        this.invalidationCounts = new AtomicLongArray(partitionCount);
    }

    /** The cached value, or {@code null}; counts a hit or a miss. */
    public Object get(Bytes key) {
        Cached c = cache.getIfPresent(key);
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
        if (value == null || invalidationCounts.get(partition) != stamp) {
            return;
        }
        cache.put(key, new Cached(value, partition));
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
}
