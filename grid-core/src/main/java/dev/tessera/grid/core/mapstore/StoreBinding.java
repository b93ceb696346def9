package dev.tessera.grid.core.mapstore;

import dev.tessera.grid.MapStoreConfig;
import dev.tessera.grid.core.store.Bytes;

/**
 * One map's connection to its store on this member: the store, and for write-behind the queue of
 * changes this member owes it as primary, the dirty marks it holds as a replica, and the flusher's
 * retry state (confined to the flusher thread).
 */
final class StoreBinding {
    final String mapName;
    final MapStoreConfig config;
    final BoundStore store;
    /** {@code null} for write-through. */
    final WriteBehindQueue queue;
    /** {@code null} for write-through. */
    final DirtyMarks marks;
    /** Write-behind: values just loaded from the store, whose copies the backups need not keep dirty. */
    final java.util.concurrent.ConcurrentLinkedQueue<WriteBehindQueue.Pending> loaded = new java.util.concurrent.ConcurrentLinkedQueue<>();
    int failures;
    long retryAt;

    StoreBinding(String mapName, MapStoreConfig config, BoundStore store, int partitionCount) {
        this.mapName = mapName;
        this.config = config;
        this.store = store;
        boolean behind = config.writeMode() == MapStoreConfig.WriteMode.WRITE_BEHIND;
        this.queue = behind ? new WriteBehindQueue(config.writeQueueCapacity(), config.writeDelay().toMillis()) : null;
        this.marks = behind ? new DirtyMarks(partitionCount) : null;
    }

    boolean writeBehind() {
        return queue != null;
    }

    /** Whether the key has a change not yet in the store that a load would miss (write-behind only). */
    boolean pending(int p, Bytes key) {
        return queue != null && (queue.contains(key) || marks.isMarked(p, key));
    }
}
