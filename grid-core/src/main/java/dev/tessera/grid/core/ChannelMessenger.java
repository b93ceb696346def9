package dev.tessera.grid.core;

import dev.tessera.grid.core.cluster.MemberCompatibility;
import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.membership.ClusterChannel;
import dev.tessera.grid.membership.RequestOptions;
import dev.tessera.grid.membership.ClusterView;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import dev.tessera.grid.membership.MemberId;

/**
 * {@link Messenger} over the member's JGroups {@link ClusterChannel}. Its {@link #view()} holds the compatible
 * members only ({@link MemberCompatibility}): a refused member is nobody's replica, query target or coordinator.
 */
final class ChannelMessenger implements Messenger {
    private final ClusterChannel channel;
    private final MemberCompatibility compatibility;
    private final MemberId self;
    private final LongAdder sent = new LongAdder();
    private final Set<MemberId> seen = ConcurrentHashMap.newKeySet();

    ChannelMessenger(ClusterChannel channel, MemberCompatibility compatibility) {
        this.channel = channel;
        this.compatibility = compatibility;
        this.self = channel.localId();
    }

    private volatile ClusterView lastRecorded;

    @Override
    public MemberId self() {
        return self;
    }

    @Override
    public ClusterView view() {
        ClusterView v = compatibility.compatibleView(channel.currentView()); // the same object until the view changes
        if (v != lastRecorded) { // once per view, not per call: this is on every operation's path
            seen.addAll(v.ids());
            lastRecorded = v;
        }
        return v;
    }

    @Override
    public boolean hasLeft(MemberId member) {
        ClusterView v = view();
        return seen.contains(member) && !v.contains(member);
    }

    /** View listener: remembers every member ever seen, so that {@link #hasLeft} can tell leavers from joiners. */
    void onView(ClusterView v) {
        seen.addAll(v.ids());
    }

    @Override
    public CompletableFuture<byte[]> request(MemberId to, byte[] message, long timeoutMillis) {
        sent.increment();
        return channel.request(to, message, new RequestOptions(timeoutMillis, false, false));
    }

    @Override
    public CompletableFuture<byte[]> requestBounded(MemberId to, byte[] message, long timeoutMillis) {
        sent.increment();
        return channel.request(to, message, new RequestOptions(timeoutMillis, false, true));
    }

    @Override
    public CompletableFuture<byte[]> requestInline(MemberId to, byte[] message, long timeoutMillis) {
        sent.increment();
        return channel.request(to, message, new RequestOptions(timeoutMillis, true, false));
    }

    @Override
    public CompletableFuture<byte[]> requestBoundedInline(MemberId to, byte[] message, long timeoutMillis) {
        sent.increment();
        return channel.request(to, message, new RequestOptions(timeoutMillis, true, true));
    }

    @Override
    public void send(MemberId to, byte[] message) {
        sent.increment();
        channel.send(to, message);
    }

    @Override
    public void forwardReply(MemberId caller, long requestId, byte[] reply) {
        channel.forwardReply(caller, requestId, reply);
    }

    @Override
    public void broadcast(byte[] message) {
        sent.increment();
        channel.broadcast(message);
    }

    /** Messages sent to other members (requests, one-way messages and broadcasts). */
    long sent() {
        return sent.sum();
    }
}
