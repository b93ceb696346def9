package dev.tessera.grid.core.expiry;

import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.store.Record;

/** Which stored entries a reader sees: live ones, minus those expired but not yet swept. */
public final class LiveEntries {
    private LiveEntries() {}

    /** Whether maps' entries in this container can expire at all (map expiry, or some entry with a ttl). */
    public static boolean mayExpire(MapContainer map) {
        if (map.config().timeToLive() != null || map.config().maxIdle() != null) {
            return true;
        }
        for (int p = 0; p < map.partitionCount(); p++) {
            if (map.peek(p).expiringCount() > 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether a reader at {@code nowMillis} sees {@code r}. */
    public static boolean isVisible(MapContainer map, Record r, long nowMillis) {
        return !r.isTombstone() && !map.isExpired(r, nowMillis);
    }

    /**
     * Entries of partition {@code p} a reader sees: the store's counter when nothing in the map can
     * expire, else a scan of the partition (O(n)).
     */
    public static long count(MapContainer map, int p, boolean mayExpire, long nowMillis) {
        PartitionStore store = map.peek(p);
        if (!mayExpire) {
            return store.liveCount();
        }
        long[] n = {0};
        store.forEachRecord(r -> {
            if (isVisible(map, r, nowMillis)) {
                n[0]++;
            }
        });
        return n[0];
    }

    /**
     * Whether the sweep may remove {@code r}: expired, and past the time a stale-while-revalidate reader
     * may still be given it.
     */
    public static boolean isRemovable(MapContainer map, Record r, long nowMillis) {
        return !r.isTombstone() && map.isExpired(r, nowMillis) && nowMillis >= r.staleUntil();
    }
}
