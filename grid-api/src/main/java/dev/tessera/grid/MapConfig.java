package dev.tessera.grid;

import java.time.Duration;

/**
 * Immutable configuration of one distributed map. Every member must use the same configuration for
 * a map name.
 *
 * @param backups         synchronous backups (0..6): a write returns after every live backup applied
 *                        it, so it survives the simultaneous loss of this many members
 * @param asyncBackups    additional backups updated without waiting (0..6, backups + asyncBackups &lt;= 6);
 *                        they may miss the last writes before a crash
 * @param readFromBackup  if {@code true}, a read of a key of which this member holds a backup copy is
 *                        served locally; such reads may return a value older than the latest
 *                        acknowledged write (by at most the writes in flight to this backup)
 * @param splitBrainMode  what the map does while the cluster is split (default {@link SplitBrainMode#AVAILABLE})
 * @param nearCache       a near cache of remote values on every member, or {@code null} for none
 * @param mergePolicy     name of the {@link MergePolicy} (registered on every member) that decides each key
 *                        after a split heals, or {@code null} for {@link MergePolicy#LATEST_UPDATE}
 * @param timeToLive      default time-to-live of an entry after its last write, or {@code null} for none;
 *                        {@link GridMap#put(Object, Object, Duration)} overrides it per entry
 * @param maxIdle         an entry neither read nor written for this long expires, or {@code null} for none
 * @param eviction        bound on the map's entries per member, or {@code null} for none
 * @param mapStore        the system of record behind the map, or {@code null} for none
 */
public record MapConfig(int backups, int asyncBackups, boolean readFromBackup, SplitBrainMode splitBrainMode,
                        NearCacheConfig nearCache, String mergePolicy, Duration timeToLive, Duration maxIdle,
                        EvictionConfig eviction, MapStoreConfig mapStore) {
    /** Maximum backups in total, as the partition table holds seven replicas per partition. */
    public static final int MAX_BACKUPS = 6;

    public MapConfig {
        if (backups < 0 || backups > MAX_BACKUPS) {
            throw new IllegalArgumentException("backups must be between 0 and " + MAX_BACKUPS + ", was " + backups);
        }
        if (asyncBackups < 0 || backups + asyncBackups > MAX_BACKUPS) {
            throw new IllegalArgumentException("asyncBackups must be >= 0 and backups + asyncBackups <= "
                    + MAX_BACKUPS + ", was backups=" + backups + " asyncBackups=" + asyncBackups);
        }
        if (splitBrainMode == null) {
            throw new IllegalArgumentException("splitBrainMode must not be null: use AVAILABLE or CONSISTENT");
        }
        requirePositiveMillis("timeToLive", timeToLive);
        requirePositiveMillis("maxIdle", maxIdle);
    }

    /** A map without expiry, eviction or store. */
    public MapConfig(int backups, int asyncBackups, boolean readFromBackup, SplitBrainMode splitBrainMode,
                     NearCacheConfig nearCache, String mergePolicy) {
        this(backups, asyncBackups, readFromBackup, splitBrainMode, nearCache, mergePolicy, null, null, null, null);
    }

    /** Whether entries can expire or be evicted, so the store tracks their access and expiry times. */
    public boolean tracksEntries() {
        return timeToLive != null || maxIdle != null || eviction != null;
    }

    private static void requirePositiveMillis(String option, Duration d) {
        if (d != null && (d.isNegative() || d.toMillis() < 1)) {
            throw new IllegalArgumentException(option + " must be at least 1 ms, or null for none, was " + d);
        }
    }

    /** One synchronous backup, no async backups, reads at the primary only. */
    public static MapConfig defaults() {
        return new MapConfig(1, 0, false, SplitBrainMode.AVAILABLE, null, null);
    }

    /** Total replicas of each entry: the primary plus all backups. */
    public int totalBackups() {
        return backups + asyncBackups;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link MapConfig}; validation happens in {@link #build()}. */
    public static final class Builder {
        private int backups = 1;
        private int asyncBackups;
        private boolean readFromBackup;
        private SplitBrainMode splitBrainMode = SplitBrainMode.AVAILABLE;
        private NearCacheConfig nearCache;
        private String mergePolicy;
        private Duration timeToLive;
        private Duration maxIdle;
        private EvictionConfig eviction;
        private MapStoreConfig mapStore;

        private Builder() {}

        public Builder backups(int backups) {
            this.backups = backups;
            return this;
        }

        public Builder asyncBackups(int asyncBackups) {
            this.asyncBackups = asyncBackups;
            return this;
        }

        public Builder readFromBackup(boolean readFromBackup) {
            this.readFromBackup = readFromBackup;
            return this;
        }

        public Builder splitBrainMode(SplitBrainMode mode) {
            this.splitBrainMode = mode;
            return this;
        }

        /** Caches remote values on each member; {@code null} (the default) for none. */
        public Builder nearCache(NearCacheConfig nearCache) {
            this.nearCache = nearCache;
            return this;
        }

        /** The registered {@link MergePolicy} deciding each key after a split heals (AVAILABLE maps). */
        public Builder mergePolicy(String name) {
            this.mergePolicy = name;
            return this;
        }

        /** Default time-to-live of every entry after its last write; {@code null} (the default) for none. */
        public Builder timeToLive(Duration ttl) {
            this.timeToLive = ttl;
            return this;
        }

        /** Expire entries neither read nor written for this long; {@code null} (the default) for none. */
        public Builder maxIdle(Duration maxIdle) {
            this.maxIdle = maxIdle;
            return this;
        }

        /** Bound the map's entries per member; {@code null} (the default) for no bound. */
        public Builder eviction(EvictionConfig eviction) {
            this.eviction = eviction;
            return this;
        }

        /** Load misses from, and write changes to, a {@link MapStore}; {@code null} (the default) for none. */
        public Builder mapStore(MapStoreConfig mapStore) {
            this.mapStore = mapStore;
            return this;
        }

        public MapConfig build() {
            return new MapConfig(backups, asyncBackups, readFromBackup, splitBrainMode, nearCache, mergePolicy,
                    timeToLive, maxIdle, eviction, mapStore);
        }
    }
}
