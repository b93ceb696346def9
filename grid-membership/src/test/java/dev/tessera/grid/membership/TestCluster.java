package dev.tessera.grid.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/** Starts members for one test and closes them all afterwards. */
final class TestCluster implements AutoCloseable {

    /** A message as a handler saw it. */
    record Received(MemberId sender, String text, String thread) {
    }

    /** One started member with everything its handlers saw. */
    static final class Member {
        final ClusterChannel channel;
        final List<ClusterView> views;
        final List<String> viewThreads;
        final ConcurrentLinkedQueue<Received> messages;

        Member(ClusterChannel channel, List<ClusterView> views, List<String> viewThreads,
                ConcurrentLinkedQueue<Received> messages) {
            this.channel = channel;
            this.views = views;
            this.viewThreads = viewThreads;
            this.messages = messages;
        }

        MemberId id() {
            return channel.localId();
        }

        ClusterView lastDeliveredView() {
            return views.isEmpty() ? null : views.get(views.size() - 1);
        }

        List<String> lastViewNames() {
            ClusterView v = lastDeliveredView();
            return v == null ? List.of() : v.names();
        }

        List<String> messagesFrom(MemberId sender) {
            return messages.stream().filter(r -> r.sender().equals(sender)).map(Received::text).toList();
        }
    }

    final String clusterName = "tessera-test-" + UUID.randomUUID();
    private final List<Member> members = new CopyOnWriteArrayList<>();
    private final Duration failureDetectionTimeout;

    TestCluster() {
        this(Duration.ofSeconds(2));
    }

    TestCluster(Duration failureDetectionTimeout) {
        this.failureDetectionTimeout = failureDetectionTimeout;
    }

    ChannelSettings settings(String name, String zone) {
        return new ChannelSettings(clusterName, name, zone, new StackConfig.InProcess(), failureDetectionTimeout,
                ChannelSettings.DEFAULT_MAX_IN_FLIGHT_REQUESTS);
    }

    Member start(String name, String zone, RequestHandler handler) {
        return start(settings(name, zone), handler);
    }

    Member start(String name, RequestHandler handler) {
        return start(settings(name, null), handler);
    }

    Member start(ChannelSettings settings, RequestHandler handler) {
        List<ClusterView> views = new CopyOnWriteArrayList<>();
        List<String> viewThreads = new CopyOnWriteArrayList<>();
        ConcurrentLinkedQueue<Received> messages = new ConcurrentLinkedQueue<>();
        ClusterChannel ch = ClusterChannel.start(settings,
                v -> {
                    viewThreads.add(Thread.currentThread().getName());
                    views.add(v);
                },
                handler,
                (sender, msg) -> messages.add(new Received(sender, new String(msg), Thread.currentThread().getName())));
        Member m = new Member(ch, views, viewThreads, messages);
        members.add(m);
        return m;
    }

    /** Echo handler answering "{name}:{payload}". */
    static RequestHandler echo(String name) {
        return (sender, req) -> CompletableFuture.completedFuture((name + ":" + new String(req)).getBytes());
    }

    @Override
    public void close() {
        List<Member> all = new ArrayList<>(members);
        java.util.Collections.reverse(all);
        for (Member m : all) {
            try {
                m.channel.close();
            } catch (RuntimeException ignored) {
                // best effort in cleanup
            }
        }
    }
}
