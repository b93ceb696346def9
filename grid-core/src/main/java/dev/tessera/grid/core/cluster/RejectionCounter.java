package dev.tessera.grid.core.cluster;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the messages this member refused at its trust boundary, by reason. Read by introspection; written by the
 * gates that check each message before it reaches a store.
 */
public final class RejectionCounter {
    private final LongAdder malformed = new LongAdder();
    private final LongAdder notPermitted = new LongAdder();

    /** A message that could not be decoded. */
    public void malformed() {
        malformed.increment();
    }

    /** A well-formed message its sender may not send (a table not from the coordinator, a leave for another member...). */
    public void notPermitted() {
        notPermitted.increment();
    }

    public long malformedCount() {
        return malformed.sum();
    }

    public long notPermittedCount() {
        return notPermitted.sum();
    }
}
