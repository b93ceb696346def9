package dev.tessera.grid.core.events;

import dev.tessera.grid.EntryEventType;
import dev.tessera.grid.core.replication.ChangeCause;
import dev.tessera.grid.core.store.Record;

/** Which {@link EntryEventType} a change observed at the primary is. */
final class EventTypes {
    private EventTypes() {}

    /** The event of a change from {@code before} to {@code after}, or null if it is none (absent stays absent). */
    static EntryEventType of(Record before, Record after, ChangeCause cause) {
        boolean wasLive = before != null && !before.isTombstone();
        boolean isLive = after != null && !after.isTombstone();
        if (isLive) {
            return wasLive ? EntryEventType.UPDATED : EntryEventType.ADDED; // a LOADED value too
        }
        if (!wasLive) {
            return null;
        }
        return switch (cause) {
            case EXPIRED -> EntryEventType.EXPIRED;
            case EVICTED -> EntryEventType.EVICTED;
            case WRITE, MERGED, LOADED -> EntryEventType.REMOVED;
        };
    }
}
