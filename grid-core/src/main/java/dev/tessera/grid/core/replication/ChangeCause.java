package dev.tessera.grid.core.replication;

/** Why a primary changed an entry, as told to {@link ChangeObserver}s. */
public enum ChangeCause {
    /** An application operation (put, remove, compute, clear, ...). */
    WRITE,
    /** The entry's time-to-live or max-idle time ran out. */
    EXPIRED,
    /** The map's eviction bound removed it. */
    EVICTED,
    /** A value loaded by getOrLoad or read-through. */
    LOADED,
    /** A split-brain merge decided the key. */
    MERGED
}
