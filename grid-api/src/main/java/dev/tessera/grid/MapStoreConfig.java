package dev.tessera.grid;

import java.time.Duration;

/**
 * Connects a map to a {@link MapStore} registered under {@link #storeName()} on every member.
 *
 * <p>Reads that miss load from the store at the key's primary (once per key however many callers
 * miss at the same time). With {@link WriteMode#WRITE_THROUGH} a write returns after the store
 * accepted it; with {@link WriteMode#WRITE_BEHIND} the primary queues it and stores batches every
 * {@link #writeDelay()}, coalescing repeated writes of a key into the last one.
 *
 * <p>Write-behind is at-least-once: backups remember which keys their primary has not stored yet, and a
 * member that becomes primary (after a failure, or when partitions move) stores those keys again with
 * the values it holds, so a change can reach the store twice but an acknowledged one is not lost while
 * a copy of it survives. Failed batches are retried with backoff (up to 5 s apart). Entries removed by
 * expiry or eviction are not deleted from the store. Operations whose result depends on the previous
 * value ({@code put}, {@code remove}, {@code putIfAbsent}, {@code replace}) read a missing key through
 * first, in both modes; {@code set} and {@code delete} do not.
 *
 * @param storeName          the name the store is registered under
 * @param writeMode          when changes reach the store
 * @param writeDelay         write-behind: how long a change may wait before it is stored (positive)
 * @param writeBatchSize     write-behind: most entries per {@code storeAll}/{@code deleteAll} call (1..100,000)
 * @param writeQueueCapacity write-behind: most keys waiting per member; a write beyond it is refused
 *                           with {@link GridException} (1..10,000,000)
 */
public record MapStoreConfig(String storeName, WriteMode writeMode, Duration writeDelay, int writeBatchSize,
                             int writeQueueCapacity) {

    /** When changes reach the store. */
    public enum WriteMode {
        /** Each change is stored before the write returns. */
        WRITE_THROUGH,
        /** Changes are queued at the primary and stored in batches, after {@link #writeDelay()}. */
        WRITE_BEHIND
    }

    public MapStoreConfig {
        if (storeName == null || storeName.isBlank()) {
            throw new IllegalArgumentException("mapStore storeName must name a store registered with GridBuilder.mapStore");
        }
        if (writeMode == null) {
            throw new IllegalArgumentException("mapStore writeMode must not be null: use WRITE_THROUGH or WRITE_BEHIND");
        }
        if (writeDelay == null || writeDelay.isNegative() || writeDelay.isZero()) {
            throw new IllegalArgumentException("mapStore writeDelay must be positive, was " + writeDelay);
        }
        if (writeBatchSize < 1 || writeBatchSize > 100_000) {
            throw new IllegalArgumentException("mapStore writeBatchSize must be between 1 and 100000, was " + writeBatchSize);
        }
        if (writeQueueCapacity < 1 || writeQueueCapacity > 10_000_000) {
            throw new IllegalArgumentException("mapStore writeQueueCapacity must be between 1 and 10000000, was " + writeQueueCapacity);
        }
    }

    /** Write-through to the store registered as {@code storeName}. */
    public static MapStoreConfig writeThrough(String storeName) {
        return new MapStoreConfig(storeName, WriteMode.WRITE_THROUGH, Duration.ofSeconds(1), 1000, 100_000);
    }

    /** Write-behind to the store registered as {@code storeName}, storing changes after {@code delay}. */
    public static MapStoreConfig writeBehind(String storeName, Duration delay) {
        return new MapStoreConfig(storeName, WriteMode.WRITE_BEHIND, delay, 1000, 100_000);
    }
}
