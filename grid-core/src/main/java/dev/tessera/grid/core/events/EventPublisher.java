package dev.tessera.grid.core.events;

import dev.tessera.grid.EntryEventType;
import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.core.events.EventRoutes.Route;
import dev.tessera.grid.core.events.EventRoutes.Routes;
import dev.tessera.grid.core.replication.ChangeCause;
import dev.tessera.grid.core.replication.ChangeObserver;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.wire.EventMessages.EntryEvents;
import dev.tessera.grid.core.wire.EventMessages.EntryEvents.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import dev.tessera.grid.membership.MemberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's side of entry events. As a {@link ChangeObserver} it is called inside each key's
 * atomic update, where it only turns the change into an event and enqueues it (so one key's events
 * are queued in the order applied); one sender thread drains the queue in order and sends each
 * listening member its events in batches, as regular one-way messages, which JGroups delivers in
 * the order sent. Events for this member's own listeners are handed over without a message.
 *
 * <p>Bounded: with {@link #QUEUE_CAPACITY} changes waiting (the network cannot keep up), newer
 * changes are not published; they are counted ({@link EventStats#droppedAtPrimary()}) and logged.
 * A write never waits for its event.
 */
final class EventPublisher implements ChangeObserver {
    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);
    /** Changes waiting to be sent before newer ones are dropped. */
    static final int QUEUE_CAPACITY = 65_536;
    /** Changes taken per drain; each listening member gets at most one message per map out of them. */
    private static final int MAX_BATCH = 512;

    /** A change to publish, with the routes in effect when it was applied. */
    private record Change(String map, Event event, Route[] routes) {
        Event withoutValues() {
            return event.value() == null && event.oldValue() == null ? event : new Event(event.type(), event.key(), null, null);
        }
    }

    private final EventRoutes routes;
    private final Messenger messenger;
    private final ExecutorService sender;
    private final BiConsumer<String, List<Event>> toLocalListeners;
    private final EventStats stats;
    private final BlockingQueue<Change> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /**
     * @param sender           one thread: sends batches, in queue order
     * @param toLocalListeners delivers a batch of one map's events to this member's listeners
     */
    EventPublisher(EventRoutes routes, Messenger messenger, ExecutorService sender,
                   BiConsumer<String, List<Event>> toLocalListeners, EventStats stats) {
        this.routes = routes;
        this.messenger = messenger;
        this.sender = sender;
        this.toLocalListeners = toLocalListeners;
        this.stats = stats;
    }

    @Override
    public void onChange(MapContainer map, int partition, Bytes key, Record before, Record after, ChangeCause cause) {
        Routes r = routes.of(map.name());
        if (r == null) {
            return; // nobody listens to this map
        }
        EntryEventType type = EventTypes.of(before, after, cause);
        if (type == null) {
            return;
        }
        byte[] value = r.values() && after != null ? after.value() : null;
        byte[] old = r.values() && before != null ? before.value() : null;
        if (!queue.offer(new Change(map.name(), new Event(type, key.array(), value, old), r.routes()))) {
            stats.droppedAtPrimary.increment();
            if (stats.droppedAtPrimary.sum() % 10_000 == 1) {
                log.warn("Entry events of this member are {} changes behind: dropping newer events ({} dropped so far)",
                        QUEUE_CAPACITY, stats.droppedAtPrimary.sum());
            }
            return;
        }
        stats.published.increment();
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                sender.execute(this::drain);
            } catch (RejectedExecutionException e) {
                queue.clear(); // the member is shutting down
            }
        }
    }

    /** One batch per run, so that other tasks of the sender thread (view changes) are not starved. */
    private void drain() {
        List<Change> batch = new ArrayList<>(MAX_BATCH);
        try {
            queue.drainTo(batch, MAX_BATCH);
            publish(batch);
        } finally {
            scheduled.set(false);
        }
        if (!queue.isEmpty()) {
            schedule();
        }
    }

    private void publish(List<Change> batch) {
        Map<MemberId, Map<String, List<Event>>> byTarget = new LinkedHashMap<>();
        for (Change c : batch) {
            for (Route route : c.routes()) {
                byTarget.computeIfAbsent(route.target(), t -> new LinkedHashMap<>())
                        .computeIfAbsent(c.map(), m -> new ArrayList<>())
                        .add(route.values() ? c.event() : c.withoutValues());
            }
        }
        MemberId self = messenger.self();
        byTarget.forEach((target, byMap) -> {
            if (target.equals(self)) {
                byMap.forEach(toLocalListeners);
                return;
            }
            if (messenger.hasLeft(target)) {
                return;
            }
            byMap.forEach((map, events) -> {
                try {
                    messenger.send(target, new EntryEvents(map, events).encode());
                    stats.messagesSent.increment();
                } catch (RuntimeException e) {
                    log.debug("Entry events of map '{}' to {} not sent: {}", map, target, e.toString());
                }
            });
        });
    }
}
