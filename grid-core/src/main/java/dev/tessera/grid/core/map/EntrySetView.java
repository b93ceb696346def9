package dev.tessera.grid.core.map;

import dev.tessera.grid.core.wire.ScanMessages.PartitionEntries;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The entry set of a {@link GridMapImpl}: iterates partition by partition, read a page of partitions at a
 * time from each member ({@link ClusterScan}), so memory holds about a page per member. Weakly consistent,
 * like ConcurrentHashMap's: never throws ConcurrentModificationException. {@code Iterator.remove}
 * and {@code Entry.setValue} write through to the map.
 */
final class EntrySetView<K, V> extends AbstractSet<Map.Entry<K, V>> {
    private final GridMapImpl<K, V> map;
    private final ClusterScan scan;

    EntrySetView(GridMapImpl<K, V> map, ClusterScan scan) {
        this.map = map;
        this.scan = scan;
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public boolean contains(Object o) {
        if (!(o instanceof Map.Entry<?, ?> e) || e.getKey() == null || e.getValue() == null) {
            return false;
        }
        Object v = map.get(e.getKey());
        return v != null && v.equals(e.getValue());
    }

    @Override
    public boolean remove(Object o) {
        return o instanceof Map.Entry<?, ?> e && e.getKey() != null && map.remove(e.getKey(), e.getValue());
    }

    @Override
    public void clear() {
        map.clear();
    }

    @Override
    public Iterator<Map.Entry<K, V>> iterator() {
        return new Iterator<>() {
            private final ClusterScan.Cursor partitions = scan.entries();
            private PartitionEntries batch;
            private int index;
            private WriteThroughEntry current;

            @Override
            public boolean hasNext() {
                while (batch == null || index >= batch.keys().size()) {
                    PartitionEntries next = partitions.next();
                    if (next == null) {
                        return false;
                    }
                    batch = next;
                    index = 0;
                }
                return true;
            }

            @Override
            public Map.Entry<K, V> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                K k = map.key(batch.keys().get(index));
                V v = map.value(batch.values().get(index));
                index++;
                current = new WriteThroughEntry(k, v);
                return current;
            }

            @Override
            public void remove() {
                if (current == null) {
                    throw new IllegalStateException("next() has not been called, or remove() was already called");
                }
                map.remove(current.getKey());
                current = null;
            }
        };
    }

    private final class WriteThroughEntry extends java.util.AbstractMap.SimpleEntry<K, V> {
        private static final long serialVersionUID = 1L;

        WriteThroughEntry(K key, V value) {
            super(key, value);
        }

        @Override
        public V setValue(V value) {
            V old = super.setValue(value);
            map.put(getKey(), value);
            return old;
        }
    }
}
