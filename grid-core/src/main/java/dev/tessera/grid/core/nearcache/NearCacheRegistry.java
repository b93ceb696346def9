package dev.tessera.grid.core.nearcache;

import dev.tessera.grid.core.time.TimeSource;
import dev.tessera.grid.GridIntrospection.NearCacheStats;
import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.wire.EventMessages.Invalidations;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import dev.tessera.grid.membership.MemberId;

/**
 * This member's near caches, by map name, and the receiving side of invalidation: applies each
 * invalidated key, and drops a whole partition from a map's near cache when the sequence of that
 * (map, partition) from its primary skips a number, when the sender is a new primary, or when a
 * table moves the partition's primary.
 */
public final class NearCacheRegistry {
    private final int partitionCount;
    private final Map<String, NearCache> caches = new ConcurrentHashMap<>();
    private final Map<String, Tracker> trackers = new ConcurrentHashMap<>();

    /** Per map: last sequence and its sender, per partition. */
    private static final class Tracker {
        final long[] last;
        final MemberId[] sender;

        Tracker(int partitions) {
            last = new long[partitions];
            sender = new MemberId[partitions];
        }
    }

    private final TimeSource time;

    public NearCacheRegistry(int partitionCount, TimeSource time) {
        this.partitionCount = partitionCount;
        this.time = time;
    }

    public NearCache create(String map, NearCacheConfig config) {
        return caches.computeIfAbsent(map, m -> new NearCache(config, partitionCount, time));
    }

    /** Drops the near cache of a destroyed map and its sequence tracking. */
    public void remove(String map) {
        NearCache c = caches.remove(map);
        if (c != null) {
            c.clear();
        }
        trackers.remove(map);
    }

    /** Applies a batch from {@code sender}; entries are in sequence order per partition. */
    public void onInvalidations(MemberId sender, Invalidations batch) {
        NearCache cache = caches.get(batch.map());
        if (cache == null) {
            return;
        }
        Tracker t = trackers.computeIfAbsent(batch.map(), m -> new Tracker(partitionCount));
        synchronized (t) {
            for (Invalidations.Entry e : batch.entries()) {
                int p = e.partition();
                if (p < 0 || p >= partitionCount) {
                    continue;
                }
                boolean inOrder = Objects.equals(t.sender[p], sender) && e.sequence() == t.last[p] + 1;
                if (!inOrder) {
                    cache.invalidatePartition(p);
                }
                t.sender[p] = sender;
                t.last[p] = e.sequence();
                cache.invalidate(Bytes.wrap(e.key()), p);
            }
        }
    }

    /** Table listener: a partition whose primary changed may have missed invalidations in between. */
    public void onTable(PartitionTable previous, PartitionTable next) {
        if (caches.isEmpty()) {
            return;
        }
        for (int p = 0; p < next.partitionCount(); p++) {
            if (!Objects.equals(previous.primary(p), next.primary(p))) {
                for (NearCache c : caches.values()) {
                    c.invalidatePartition(p);
                }
            }
        }
    }

    public Map<String, NearCacheStats> stats() {
        Map<String, NearCacheStats> out = new TreeMap<>();
        caches.forEach((name, cache) -> out.put(name, cache.stats()));
        return out;
    }
}
