package dev.tessera.grid.core.mapstore;

import dev.tessera.grid.core.store.Bytes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Keys of a write-behind map whose latest change this member holds as a copy (backup or migration
 * target) but has not heard is in the store: per partition, key to the highest such version. If this
 * member becomes the partition's primary it queues them again, so a primary's failure loses no
 * queued write. The primary's flush notices ({@code (key, version)}) clear them.
 */
final class DirtyMarks {
    private final AtomicReferenceArray<ConcurrentHashMap<Bytes, Long>> partitions;

    DirtyMarks(int partitionCount) {
        this.partitions = new AtomicReferenceArray<>(partitionCount);
    }

    void mark(int p, Bytes key, long version) {
        partition(p).merge(key, version, Math::max);
    }

    /** The store holds {@code key} as of {@code version}: the mark goes unless a newer change was copied since. */
    void stored(int p, Bytes key, long version) {
        ConcurrentHashMap<Bytes, Long> m = partitions.get(p);
        if (m != null) {
            m.computeIfPresent(key, (k, v) -> v <= version ? null : v);
        }
    }

    boolean isMarked(int p, Bytes key) {
        ConcurrentHashMap<Bytes, Long> m = partitions.get(p);
        return m != null && m.containsKey(key);
    }

    /** Removes and returns the partition's marks. */
    Map<Bytes, Long> drain(int p) {
        ConcurrentHashMap<Bytes, Long> m = partitions.getAndSet(p, null);
        return m == null ? Map.of() : m;
    }

    int count() {
        int n = 0;
        for (int p = 0; p < partitions.length(); p++) {
            ConcurrentHashMap<Bytes, Long> m = partitions.get(p);
            n += m == null ? 0 : m.size();
        }
        return n;
    }

    private ConcurrentHashMap<Bytes, Long> partition(int p) {
        ConcurrentHashMap<Bytes, Long> m;
        while ((m = partitions.get(p)) == null) {
            partitions.compareAndSet(p, null, new ConcurrentHashMap<>());
        }
        return m;
    }
}
