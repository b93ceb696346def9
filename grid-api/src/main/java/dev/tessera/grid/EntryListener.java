package dev.tessera.grid;

/**
 * Receives {@link EntryEvent}s of one map ({@link GridMap#addEntryListener}).
 *
 * <p>Events of one key arrive in the order the key's primary applied the changes. Each listener
 * receives events on the grid's event threads, never on a messaging thread: a slow listener delays
 * only its own later events (of the keys it shares a delivery lane with), never the map's writes.
 *
 * @param <K> key type
 * @param <V> value type
 */
@FunctionalInterface
public interface EntryListener<K, V> {
    void onEvent(EntryEvent<K, V> event);
}
