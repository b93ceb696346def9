package dev.tessera.grid.testkit.channel;

import dev.tessera.grid.membership.ChannelSettings;
import dev.tessera.grid.membership.ClusterChannel;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberId;
import dev.tessera.grid.membership.RequestHandler;
import dev.tessera.grid.membership.StackConfig;
import dev.tessera.grid.testkit.ClusterFaults;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Membership channels (no grid above them) in this JVM, on JGroups' SHARED_LOOPBACK unless a test gives its own
 * {@link ChannelSettings}, in a cluster of their own (unique name), each recording the views and one-way messages it
 * was handed. Faults through {@link ClusterFaults} (crash, leave, isolate, split, heal: the channels' own fault
 * hooks). {@link #close()} closes every channel it started and checks that none of their threads outlive them.
 */
public final class ChannelCluster implements ClusterFaults<ChannelCluster.Member>, AutoCloseable {

    /** A one-way message as a member's handler saw it, and the thread that ran the handler. */
    public record Received(MemberId sender, String text, String thread) {
    }

    /** One started channel with everything its handlers saw. */
    public static final class Member {
        private final ClusterChannel channel;
        private final List<ClusterView> views = new CopyOnWriteArrayList<>();
        private final List<String> viewThreads = new CopyOnWriteArrayList<>();
        private final ConcurrentLinkedQueue<Received> messages = new ConcurrentLinkedQueue<>();

        private Member(ChannelSettings settings, RequestHandler handler) {
            this.channel = ClusterChannel.start(settings,
                    v -> {
                        viewThreads.add(Thread.currentThread().getName());
                        views.add(v);
                    },
                    handler,
                    (sender, msg) -> messages.add(new Received(sender, new String(msg, StandardCharsets.UTF_8),
                            Thread.currentThread().getName())));
        }

        public ClusterChannel channel() {
            return channel;
        }

        public MemberId id() {
            return channel.localId();
        }

        /** Every view delivered to this member, in order. */
        public List<ClusterView> views() {
            return Collections.unmodifiableList(views);
        }

        /** The thread each view was delivered on, in order. */
        public List<String> viewThreads() {
            return Collections.unmodifiableList(viewThreads);
        }

        /** Every one-way message (send or broadcast) delivered to this member, in order. */
        public List<Received> messages() {
            return List.copyOf(messages);
        }

        /** The last view delivered, or {@code null} before the first. */
        public ClusterView lastDeliveredView() {
            return views.isEmpty() ? null : views.get(views.size() - 1);
        }

        /** The member names of the last view delivered (none before the first). */
        public List<String> lastViewNames() {
            ClusterView v = lastDeliveredView();
            return v == null ? List.of() : v.names();
        }

        /** The texts of the one-way messages from {@code sender}, in order. */
        public List<String> messagesFrom(MemberId sender) {
            return messages.stream().filter(r -> r.sender().equals(sender)).map(Received::text).toList();
        }

        @Override
        public String toString() {
            return channel.toString();
        }
    }

    private final String clusterName = "tessera-test-" + UUID.randomUUID();
    private final List<Member> members = new CopyOnWriteArrayList<>();
    private final Set<Thread> memberThreads = new HashSet<>();
    private final Duration failureDetectionTimeout;

    /** Channels that detect a failure within 2 s. */
    public ChannelCluster() {
        this(Duration.ofSeconds(2));
    }

    public ChannelCluster(Duration failureDetectionTimeout) {
        this.failureDetectionTimeout = failureDetectionTimeout;
    }

    /** The cluster's name, unique to this instance. */
    public String clusterName() {
        return clusterName;
    }

    /** Settings of a member of this cluster on the in-process transport; a test may change them before {@link #start}. */
    public ChannelSettings settings(String name, String zone) {
        return new ChannelSettings(clusterName, name, zone, new StackConfig.InProcess(), failureDetectionTimeout,
                ChannelSettings.DEFAULT_MAX_IN_FLIGHT_REQUESTS);
    }

    public Member start(String name, String zone, RequestHandler handler) {
        return start(settings(name, zone), handler);
    }

    public Member start(String name, RequestHandler handler) {
        return start(settings(name, null), handler);
    }

    /** Starts a channel with these settings ({@code handler} answers its requests; {@code null}: none). */
    public Member start(ChannelSettings settings, RequestHandler handler) {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Member m;
        try {
            m = new Member(settings, handler);
        } finally {
            // a channel that failed to start may have started threads too
            synchronized (memberThreads) {
                memberThreads.addAll(MemberThreads.startedBy(settings.memberName(), before));
            }
        }
        members.add(m);
        return m;
    }

    /** Every member started so far, in start order (crashed and closed ones too). */
    public List<Member> members() {
        return List.copyOf(members);
    }

    /** A request handler answering {@code "{name}:{request}"}. */
    public static RequestHandler echo(String name) {
        return (sender, req) -> CompletableFuture.completedFuture(
                (name + ":" + new String(req, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void crash(Member member) {
        member.channel.crash();
    }

    @Override
    public void leave(Member member) {
        member.channel.close();
    }

    @Override
    public void isolate(Member member, Collection<Member> from) {
        Set<MemberId> ids = new HashSet<>();
        from.forEach(f -> ids.add(f.id()));
        member.channel.isolate(ids);
    }

    @Override
    public void split(List<? extends Collection<Member>> sides) {
        for (Collection<Member> side : sides) {
            List<Member> others = new ArrayList<>();
            for (Collection<Member> other : sides) {
                if (other != side) {
                    others.addAll(other);
                }
            }
            side.forEach(m -> isolate(m, others));
        }
    }

    @Override
    public void heal() {
        members.stream().filter(m -> m.channel.isOpen()).forEach(m -> m.channel.isolate(Set.of()));
    }

    /**
     * Closes every channel still open (the last started first), then checks their threads ended.
     *
     * @throws AssertionError naming the threads of closed channels still alive
     */
    @Override
    public void close() {
        List<Member> all = new ArrayList<>(members);
        Collections.reverse(all);
        for (Member m : all) {
            try {
                m.channel.close();
            } catch (RuntimeException ignored) {
                // best effort: every channel gets closed
            }
        }
        synchronized (memberThreads) {
            MemberThreads.awaitEnded(Set.copyOf(memberThreads));
        }
    }
}
