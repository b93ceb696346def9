package dev.tessera.grid.core.events;

import dev.tessera.grid.EntryEvent;
import dev.tessera.grid.EntryListener;
import dev.tessera.grid.Member;
import dev.tessera.grid.core.serialization.KryoCodec;
import dev.tessera.grid.core.wire.EventMessages.EntryEvents.Event;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to one registered listener on {@link #LANES} serial lanes, chosen by the key's
 * hash: one key's events stay in order, while a listener that blocks holds up only the lane it
 * blocks in (and no other listener, no write: lanes run on a pool that grows a thread per busy lane).
 * Keys and values are deserialized on the lane, per listener, so listeners never share instances.
 *
 * <p>Bounded: a listener more than {@link #CAPACITY} events behind loses the newer ones; they are
 * counted ({@link EventStats#droppedAtListener()}) and logged, since a change can never wait for a
 * listener.
 */
final class ListenerDelivery {
    private static final Logger log = LoggerFactory.getLogger(ListenerDelivery.class);
    /** Lanes per listener: keys hash onto them; each delivers its events one at a time, in order. */
    static final int LANES = 8;
    /** Events a listener may have queued before newer ones are dropped. */
    static final int CAPACITY = 65_536;

    private final String map;
    private final EntryListener<Object, Object> listener;
    private final boolean values;
    private final boolean clusterWide;
    private final KryoCodec codec;
    private final EventStats stats;
    private final Lane[] lanes = new Lane[LANES];
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean closed;

    @SuppressWarnings("unchecked")
    ListenerDelivery(String map, EntryListener<?, ?> listener, boolean values, boolean clusterWide, KryoCodec codec,
                     Executor pool, EventStats stats) {
        this.map = map;
        this.listener = (EntryListener<Object, Object>) listener;
        this.values = values;
        this.clusterWide = clusterWide;
        this.codec = codec;
        this.stats = stats;
        for (int i = 0; i < LANES; i++) {
            lanes[i] = new Lane(pool);
        }
    }

    String map() {
        return map;
    }

    boolean wantsValues() {
        return values;
    }

    /** Whether it hears every primary (cluster-wide) or only this member's (local). */
    boolean clusterWide() {
        return clusterWide;
    }

    /** Queues {@code e} for delivery; never blocks. */
    void offer(Event e, Member source) {
        if (closed) {
            return;
        }
        if (queued.incrementAndGet() > CAPACITY) {
            queued.decrementAndGet();
            stats.droppedAtListener.increment();
            if (stats.droppedAtListener.sum() % 10_000 == 1) {
                log.warn("Entry listener {} of map '{}' is {} events behind: dropping its newer events ({} dropped so far)",
                        listener, map, CAPACITY, stats.droppedAtListener.sum());
            }
            return;
        }
        lanes[laneOf(e.key())].add(e, source);
    }

    /** The lane of a serialized key. */
    static int laneOf(byte[] key) {
        return Math.floorMod(Arrays.hashCode(key), LANES);
    }

    /** Stops delivery: queued events are discarded; one being delivered right now completes. */
    void close() {
        closed = true;
    }

    private void deliver(Event e, Member source) {
        queued.decrementAndGet();
        if (closed) {
            return;
        }
        try {
            Object key = codec.deserialize(e.key());
            Object value = values && e.value() != null ? codec.deserialize(e.value()) : null;
            Object old = values && e.oldValue() != null ? codec.deserialize(e.oldValue()) : null;
            listener.onEvent(new EntryEvent<>(map, e.type(), key, value, old, source));
        } catch (RuntimeException ex) {
            stats.listenerFailures.increment();
            log.warn("Entry listener {} of map '{}' failed on a {} event", listener, map, e.type(), ex);
        }
    }

    private record Pending(Event event, Member source) {}

    /** Runs its deliveries one at a time, in order, on the shared pool. */
    private final class Lane {
        private final Executor pool;
        private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();

        Lane(Executor pool) {
            this.pool = pool;
        }

        void add(Event e, Member source) {
            pending.add(new Pending(e, source));
            schedule();
        }

        private void schedule() {
            if (scheduled.compareAndSet(false, true)) {
                try {
                    pool.execute(this::drain);
                } catch (RejectedExecutionException ex) {
                    pending.clear(); // the member is shutting down
                }
            }
        }

        private void drain() {
            try {
                for (Pending p; (p = pending.poll()) != null; ) {
                    deliver(p.event(), p.source());
                }
            } finally {
                scheduled.set(false);
            }
            if (!pending.isEmpty()) {
                schedule();
            }
        }
    }
}
