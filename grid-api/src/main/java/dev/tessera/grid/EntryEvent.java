package dev.tessera.grid;

/**
 * A change of one entry, as published by the key's primary.
 *
 * @param map      the map's name
 * @param type     what happened
 * @param key      the entry's key
 * @param value    the value after the change ({@code null} for removals, or when the listener was
 *                 registered without values)
 * @param oldValue the value before the change ({@code null} for additions, or without values)
 * @param source   the member that applied the change (the key's primary at that time)
 * @param <K>      key type
 * @param <V>      value type
 */
public record EntryEvent<K, V>(String map, EntryEventType type, K key, V value, V oldValue, Member source) {}
