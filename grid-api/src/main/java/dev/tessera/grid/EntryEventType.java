package dev.tessera.grid;

/** What happened to an entry. */
public enum EntryEventType {
    /** A key without a live value got one. */
    ADDED,
    /** A live value was replaced. */
    UPDATED,
    /** The entry was removed by an operation (remove, delete, clear, a compute returning null). */
    REMOVED,
    /** The entry's time-to-live or max-idle time ran out and its primary removed it. */
    EXPIRED,
    /** The entry was evicted to keep its map within its {@link EvictionConfig} bound. */
    EVICTED
}
