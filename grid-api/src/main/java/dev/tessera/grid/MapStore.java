package dev.tessera.grid;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The system of record behind a map (a database, a service): read-through on a miss, and
 * write-through or write-behind on every change, as {@link MapStoreConfig} says. Registered on every
 * member under a name ({@link GridBuilder#mapStore(String, MapStore)}) and named by the map's
 * {@link MapConfig#mapStore()}.
 *
 * <p>Calls are made by the key's primary member on the grid's store threads, never on a messaging
 * thread, so they may block. Calls for one key are made in the order of its changes. A call that
 * throws fails a write-through operation (the map is left unchanged) and is retried later for
 * write-behind. Implementations must be thread-safe; {@code store} and {@code delete} must be
 * idempotent, as a member failure can repeat them.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface MapStore<K, V> {

    /** The stored value of {@code key}, or {@code null} if it has none. */
    V load(K key);

    /** The stored values of those {@code keys} that have one. */
    default Map<K, V> loadAll(Collection<K> keys) {
        Map<K, V> out = new HashMap<>();
        for (K k : keys) {
            V v = load(k);
            if (v != null) {
                out.put(k, v);
            }
        }
        return out;
    }

    /** Stores (inserts or replaces) one entry. */
    void store(K key, V value);

    /** Stores a batch of entries; by default one {@link #store} per entry. */
    default void storeAll(Map<K, V> entries) {
        entries.forEach(this::store);
    }

    /** Deletes one key; deleting an absent key is not an error. */
    void delete(K key);

    /** Deletes a batch of keys; by default one {@link #delete} per key. */
    default void deleteAll(Collection<K> keys) {
        keys.forEach(this::delete);
    }
}
