package dev.tessera.grid;

import java.time.Duration;

/**
 * How {@link GridMap#getOrLoad(Object, LoadOptions, java.util.function.Function)} stores and refreshes
 * what it loads.
 *
 * @param timeToLive           time-to-live of a loaded value, or {@code null} for the map's default
 * @param earlyRefreshBeta     probabilistic early refresh ("XFetch", Vattani et al.): a reader refreshes
 *                             a value before it expires with a probability that grows as expiry nears
 *                             and with the time the last load took, scaled by β; 0 disables it, 1 is
 *                             the usual setting (0..10); needs a time-to-live
 * @param staleWhileRevalidate for how long after expiry a reader is still given the old value while one
 *                             caller reloads it in the background, or {@code null} for none; needs a
 *                             time-to-live
 */
public record LoadOptions(Duration timeToLive, double earlyRefreshBeta, Duration staleWhileRevalidate) {
    /** The map's time-to-live, no early refresh, no stale reads. */
    public static final LoadOptions DEFAULTS = new LoadOptions(null, 0, null);

    public LoadOptions {
        if (timeToLive != null && (timeToLive.isNegative() || timeToLive.isZero())) {
            throw new IllegalArgumentException("LoadOptions timeToLive must be positive or null, was " + timeToLive);
        }
        if (!(earlyRefreshBeta >= 0 && earlyRefreshBeta <= 10)) {
            throw new IllegalArgumentException("LoadOptions earlyRefreshBeta must be between 0 and 10, was " + earlyRefreshBeta);
        }
        if (staleWhileRevalidate != null && (staleWhileRevalidate.isNegative() || staleWhileRevalidate.isZero())) {
            throw new IllegalArgumentException("LoadOptions staleWhileRevalidate must be positive or null, was " + staleWhileRevalidate);
        }
    }
}
