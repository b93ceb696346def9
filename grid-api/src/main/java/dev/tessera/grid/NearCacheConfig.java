package dev.tessera.grid;

import java.time.Duration;

/**
 * A per-member cache of values read from remote primaries, for read-mostly maps.
 *
 * <p>Only keys whose primary is another member are cached (local reads are already local). The
 * primary invalidates every member's copy after each change; invalidations travel in small batches
 * on the cluster's reliable FIFO channel, so a reader sees a committed change within about
 * {@link #INVALIDATION_DELAY} plus one network hop. A change of a partition's primary, and any gap
 * in a partition's invalidation sequence, drops that partition's cached entries, so a missed
 * invalidation cannot serve a stale value for ever. A read racing an invalidation never caches the
 * value it read.
 *
 * @param maxEntries bound on cached entries per map on this member (least recently/frequently used
 *                   ones go first, as Caffeine decides)
 * @param timeToLive how long an entry may be served without being read again from the primary;
 *                   {@code null} for no limit
 */
public record NearCacheConfig(int maxEntries, Duration timeToLive) {
    /** How long a primary may hold a change's invalidation before sending it. */
    public static final Duration INVALIDATION_DELAY = Duration.ofMillis(5);

    public NearCacheConfig {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("near cache maxEntries must be >= 1, was " + maxEntries);
        }
        if (timeToLive != null && (timeToLive.isNegative() || timeToLive.isZero())) {
            throw new IllegalArgumentException("near cache timeToLive must be positive or null (no limit), was " + timeToLive);
        }
    }

    /** A near cache of up to {@code maxEntries} entries without expiry. */
    public static NearCacheConfig of(int maxEntries) {
        return new NearCacheConfig(maxEntries, null);
    }
}
