package dev.tessera.grid.core.events;

import dev.tessera.grid.EntryListener;
import dev.tessera.grid.Member;
import dev.tessera.grid.Registration;
import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.core.replication.ChangeObserver;
import dev.tessera.grid.core.serialization.KryoCodec;
import dev.tessera.grid.core.wire.EventMessages.EntryEvents;
import dev.tessera.grid.core.wire.EventMessages.EntryEvents.Event;
import dev.tessera.grid.core.wire.EventMessages.ListenerInterests;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.membership.ClusterView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import dev.tessera.grid.membership.MemberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry listeners of one member: registers them, tells the other members which maps it listens to,
 * publishes the changes this member applies as primary ({@link #observer()}) and delivers incoming
 * events to its listeners.
 *
 * <p><b>Who sends what.</b> Every member keeps, per other member, the maps that member has
 * cluster-wide listeners of ({@link RemoteInterests}). Registering or closing a cluster-wide
 * listener sends this member's full snapshot to every member as a request and waits (up to the
 * operation timeout) for the answers, so once {@code addEntryListener} returns, every member of the
 * current view publishes its changes to the new listener. On a view change, each member sends its
 * snapshot to the members that joined, and forgets the interests of members that left.
 *
 * <p><b>Window.</b> A member that joins learns the existing registrations when the other members'
 * snapshots arrive, one message each, sent when they install the view. The coordinator assigns
 * partitions to the newcomer only after that view, and moving a partition takes a transfer, so the
 * snapshots normally arrive first; if one does not (a very slow link from one member), changes the
 * newcomer applies as primary before it arrives are not published to that member's listeners.
 *
 * <p><b>Order.</b> One key's events reach a listener in the order its primary applied them. After
 * the key's primary changes (migration, failover), the old and the new primary's events are not
 * ordered with each other.
 */
public final class EntryEventService {
    private static final Logger log = LoggerFactory.getLogger(EntryEventService.class);

    private final Messenger messenger;
    private final KryoCodec codec;
    private final Function<MemberId, Member> memberOf;
    private final long timeoutMillis;
    private final EventStats stats = new EventStats();
    private final LocalListeners local = new LocalListeners();
    private final RemoteInterests remote = new RemoteInterests();
    private final EventRoutes routes;
    private final ExecutorService sender;
    private final ExecutorService lanes;
    private final EventPublisher publisher;
    private long sequence;
    private Set<MemberId> lastView = Set.of();

    public EntryEventService(Messenger messenger, KryoCodec codec, Function<MemberId, Member> memberOf, long timeoutMillis,
                             String memberName) {
        this.messenger = messenger;
        this.codec = codec;
        this.memberOf = memberOf;
        this.timeoutMillis = timeoutMillis;
        this.routes = new EventRoutes(messenger.self());
        this.sender = Executors.newSingleThreadExecutor(threads("tessera-" + memberName + "-event-sender"));
        this.lanes = Executors.newCachedThreadPool(threads("tessera-" + memberName + "-listener"));
        this.publisher = new EventPublisher(routes, messenger, sender, this::deliverLocal, stats);
    }

    /** To add to the primary's change observers. */
    public ChangeObserver observer() {
        return publisher;
    }

    public EventStats stats() {
        return stats;
    }

    /**
     * Registers {@code listener} of {@code map}; a cluster-wide one is announced to every member
     * before this returns (a member that does not answer within the timeout is logged, not waited for).
     */
    public Registration register(String map, EntryListener<?, ?> listener, boolean includeValues, boolean clusterWide) {
        Objects.requireNonNull(listener, "listener");
        ListenerDelivery d = new ListenerDelivery(map, listener, includeValues, clusterWide, codec, lanes, stats);
        local.add(d);
        routes.recompute(local, remote);
        if (clusterWide) {
            announce();
        }
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                d.close();
                local.remove(d);
                routes.recompute(local, remote);
                if (clusterWide) {
                    announce();
                }
            }
        };
    }

    /** A member's snapshot sent as a request: taken, and answered with ours. */
    public byte[] onInterestsRequest(MemberId sender, ListenerInterests m) {
        onInterests(sender, m);
        return snapshot().encode();
    }

    /** A member's snapshot, sent one-way after a view change or as the answer to ours. */
    public void onInterests(MemberId sender, ListenerInterests m) {
        if (messenger.hasLeft(sender)) {
            return; // a late message from a member that is gone must not bring its listeners back
        }
        if (remote.apply(sender, m)) {
            routes.recompute(local, remote);
        }
    }

    /** Events from the primary {@code sender}: for this member's cluster-wide listeners. */
    public void onEvents(MemberId sender, EntryEvents m) {
        Member source = memberOf.apply(sender);
        for (ListenerDelivery d : local.of(m.map())) {
            if (d.clusterWide()) {
                m.events().forEach(e -> d.offer(e, source));
            }
        }
    }

    /** Called for each view; the work runs on the sender thread, never on the JGroups thread. */
    public void onView(ClusterView view) {
        try {
            sender.execute(() -> applyView(view));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    public void close() {
        sender.shutdownNow();
        lanes.shutdownNow();
    }

    private void applyView(ClusterView view) {
        Set<MemberId> current = new HashSet<>(view.ids());
        List<MemberId> joined = new ArrayList<>();
        for (MemberId a : current) {
            if (!lastView.contains(a) && !a.equals(messenger.self())) {
                joined.add(a);
            }
        }
        lastView = current;
        if (remote.retain(current)) {
            routes.recompute(local, remote);
        }
        if (joined.isEmpty() || local.interests().isEmpty()) {
            return;
        }
        byte[] snapshot = snapshot().encode();
        for (MemberId a : joined) {
            try {
                messenger.send(a, snapshot);
                stats.messagesSent.increment();
            } catch (RuntimeException e) {
                log.debug("Listener interests not sent to {}: {}", a, e.toString());
            }
        }
    }

    /** Sends our snapshot to every member and waits for their answers (theirs), up to the timeout. */
    private void announce() {
        byte[] snapshot = snapshot().encode();
        List<CompletableFuture<Void>> answers = new ArrayList<>();
        AtomicInteger failed = new AtomicInteger();
        for (MemberId a : messenger.view().ids()) {
            if (a.equals(messenger.self())) {
                continue;
            }
            CompletableFuture<byte[]> answer;
            try {
                answer = messenger.request(a, snapshot, timeoutMillis);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e); // channel closed: the member is shutting down
            }
            stats.messagesSent.increment();
            answers.add(answer
                    .thenAccept(reply -> onInterests(a, Messages.decode(reply, ListenerInterests.class)))
                    .exceptionally(e -> {
                        failed.incrementAndGet();
                        log.warn("Member {} did not take this member's entry listeners: {}", a, e.toString());
                        return null;
                    }));
        }
        try {
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Entry listener registration not confirmed by every member within {} ms ({} failed)", timeoutMillis,
                    failed.get());
        }
    }

    /** This member's interests, with a sequence number larger than any taken before. */
    private synchronized ListenerInterests snapshot() {
        return new ListenerInterests(++sequence, local.interests());
    }

    private void deliverLocal(String map, List<Event> events) {
        Member self = memberOf.apply(messenger.self());
        for (ListenerDelivery d : local.of(map)) {
            events.forEach(e -> d.offer(e, self));
        }
    }

    private static java.util.concurrent.ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
