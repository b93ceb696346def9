package dev.tessera.grid;

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
 */
public record MapConfig(int backups, int asyncBackups, boolean readFromBackup, SplitBrainMode splitBrainMode,
                        NearCacheConfig nearCache, String mergePolicy) {
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

        public MapConfig build() {
            return new MapConfig(backups, asyncBackups, readFromBackup, splitBrainMode, nearCache, mergePolicy);
        }
    }
}
