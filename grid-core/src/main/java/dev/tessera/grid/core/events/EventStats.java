package dev.tessera.grid.core.events;

import java.util.concurrent.atomic.LongAdder;

/** Counters of a member's entry-event traffic, for tests and diagnostics. */
public final class EventStats {
    final LongAdder published = new LongAdder();
    final LongAdder droppedAtPrimary = new LongAdder();
    final LongAdder droppedAtListener = new LongAdder();
    final LongAdder listenerFailures = new LongAdder();
    final LongAdder messagesSent = new LongAdder();

    /** Changes this member enqueued for publication as primary. */
    public long published() {
        return published.sum();
    }

    /** Changes not published because the primary's queue was full. */
    public long droppedAtPrimary() {
        return droppedAtPrimary.sum();
    }

    /** Events not delivered because a local listener was {@link ListenerDelivery#CAPACITY} events behind. */
    public long droppedAtListener() {
        return droppedAtListener.sum();
    }

    /** Events whose listener threw. */
    public long listenerFailures() {
        return listenerFailures.sum();
    }

    /** Messages sent for entry events: event batches and listener-interest announcements. */
    public long messagesSent() {
        return messagesSent.sum();
    }
}
