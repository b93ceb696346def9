package dev.tessera.grid.testkit;

import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberId;
import dev.tessera.grid.membership.MemberInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * A {@link Messenger} for tests of one member's components without a channel: requests are answered by a script
 * (which a test may replace, {@link #script}), one-way messages and broadcasts are recorded, and a forwarded reply
 * (which only a backup answering a caller sends) fails the test.
 *
 * <p>The view comes either from the test ({@link #ScriptedMessenger(MemberId, Supplier, BiFunction) a supplier}: a
 * member not in it has left), or from the messenger itself ({@link #ScriptedMessenger(MemberId, List, BiFunction)
 * members}, then {@link #installView}): then, as on a channel, a member has left once it was in a view and no longer
 * is, and one never seen has not (it may be joining, and only our view does not show it yet).
 */
public final class ScriptedMessenger implements Messenger {
    /** A one-way message as sent: {@code to} is {@code null} for a broadcast. */
    public record Sent(MemberId to, byte[] message) {}

    private final MemberId self;
    private final Supplier<ClusterView> view;
    /** Members of every view installed here; {@code null} when the test supplies the view. */
    private final Set<MemberId> seen;
    private volatile ClusterView installed;
    private volatile BiFunction<MemberId, byte[], CompletableFuture<byte[]>> requests;
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final AtomicInteger leftQueries = new AtomicInteger();

    /**
     * @param view     the view the member sees (read at each call, so a test can change it)
     * @param requests answers a request (bounded or not) to a member
     */
    public ScriptedMessenger(MemberId self, Supplier<ClusterView> view,
                             BiFunction<MemberId, byte[], CompletableFuture<byte[]>> requests) {
        this.self = Objects.requireNonNull(self, "self");
        this.view = Objects.requireNonNull(view, "view");
        this.seen = null;
        this.requests = Objects.requireNonNull(requests, "requests");
    }

    /**
     * A messenger that holds its view: view 1 of {@code members} (in that order, named by their ids), replaced by
     * {@link #installView}.
     *
     * @param requests answers a request (bounded or not) to a member
     */
    public ScriptedMessenger(MemberId self, List<MemberId> members,
                             BiFunction<MemberId, byte[], CompletableFuture<byte[]>> requests) {
        this.self = Objects.requireNonNull(self, "self");
        this.seen = ConcurrentHashMap.newKeySet();
        this.view = () -> installed;
        this.requests = Objects.requireNonNull(requests, "requests");
        installView(members);
    }

    /**
     * Installs the next view, of {@code members} in that order.
     *
     * @throws IllegalStateException if the test supplies this messenger's view
     */
    public synchronized void installView(List<MemberId> members) {
        if (seen == null) {
            throw new IllegalStateException("this messenger's view comes from the test's supplier: change that instead");
        }
        List<MemberInfo> infos = new ArrayList<>();
        for (MemberId m : members) {
            infos.add(new MemberInfo(m, String.valueOf(m), null));
        }
        ClusterView previous = installed;
        installed = new ClusterView(previous == null ? 1 : previous.viewId() + 1, infos, false);
        seen.addAll(members);
    }

    /** From now on requests are answered by {@code requests}. */
    public void script(BiFunction<MemberId, byte[], CompletableFuture<byte[]>> requests) {
        this.requests = Objects.requireNonNull(requests, "requests");
    }

    /** One-way messages and broadcasts so far, in order. */
    public List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** How often a component asked whether a member left ({@link #hasLeft}): a retry loop asks once per attempt. */
    public int leftQueries() {
        return leftQueries.get();
    }

    @Override
    public MemberId self() {
        return self;
    }

    @Override
    public ClusterView view() {
        return view.get();
    }

    @Override
    public synchronized boolean hasLeft(MemberId member) {
        leftQueries.incrementAndGet();
        boolean inView = view.get().contains(member);
        return seen == null ? !inView : seen.contains(member) && !inView;
    }

    @Override
    public CompletableFuture<byte[]> request(MemberId to, byte[] message, long timeoutMillis) {
        return requests.apply(to, message);
    }

    @Override
    public CompletableFuture<byte[]> requestBounded(MemberId to, byte[] message, long timeoutMillis) {
        return requests.apply(to, message);
    }

    @Override
    public void send(MemberId to, byte[] message) {
        sent.add(new Sent(to, message));
    }

    @Override
    public void forwardReply(MemberId caller, long requestId, byte[] reply) {
        throw new AssertionError("unexpected forwarded reply to " + caller + " (only a backup answering a caller sends one)");
    }

    @Override
    public void broadcast(byte[] message) {
        sent.add(new Sent(null, message));
    }
}
