package dev.tessera.grid.testkit;

import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * A {@link Messenger} for tests of one member's components without a channel: requests are answered by a script,
 * one-way messages and broadcasts are recorded, and a forwarded reply (which only a backup answering a caller
 * sends) fails the test.
 */
public final class ScriptedMessenger implements Messenger {
    /** A one-way message as sent: {@code to} is {@code null} for a broadcast. */
    public record Sent(MemberId to, byte[] message) {}

    private final MemberId self;
    private final Supplier<ClusterView> view;
    private final BiFunction<MemberId, byte[], CompletableFuture<byte[]>> requests;
    private final List<Sent> sent = new CopyOnWriteArrayList<>();

    /**
     * @param view     the view the member sees (read at each call, so a test can change it)
     * @param requests answers a request (bounded or not) to a member
     */
    public ScriptedMessenger(MemberId self, Supplier<ClusterView> view,
                             BiFunction<MemberId, byte[], CompletableFuture<byte[]>> requests) {
        this.self = self;
        this.view = view;
        this.requests = requests;
    }

    /** One-way messages and broadcasts so far, in order. */
    public List<Sent> sent() {
        return List.copyOf(sent);
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
    public boolean hasLeft(MemberId member) {
        return !view.get().contains(member);
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
