package dev.tessera.grid;

import java.time.Duration;

/**
 * The entry a {@link KeyProcessor} works on, at the key's primary. Its changes take effect when the
 * processor returns: the last of {@link #setValue} and {@link #remove} wins.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface ProcessedEntry<K, V> {

    /** The key. */
    K key();

    /** The current value (as changed by this processor so far), or {@code null} if the entry is absent. */
    V value();

    /** Whether the entry has a value (as changed by this processor so far). */
    boolean exists();

    /**
     * Sets the entry's value.
     *
     * @throws NullPointerException if {@code value} is null (use {@link #remove()})
     */
    void setValue(V value);

    /**
     * Sets the entry's value with a time-to-live that overrides the map's
     * {@link MapConfig#timeToLive()}, as {@link GridMap#put(Object, Object, Duration)} does: the entry
     * expires {@code ttl} after this write.
     *
     * @throws NullPointerException     if {@code value} or {@code ttl} is null
     * @throws IllegalArgumentException if {@code ttl} is not at least 1 ms
     */
    void setValue(V value, Duration ttl);

    /** Removes the entry (a no-op if it is absent). */
    void remove();
}
