package dev.tessera.grid.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.testkit.channel.ChannelCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestResponseTest {

    private ChannelCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.get();
            throw new AssertionError("not failed");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private void awaitViewSize(int size, ChannelCluster.Member... members) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (ChannelCluster.Member m : members) {
                if (m.channel().currentView().size() != size) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void requestResponseRoundTrip() throws Exception {
        cluster = new ChannelCluster();
        AtomicReference<MemberId> seenSender = new AtomicReference<>();
        AtomicReference<String> handlerThread = new AtomicReference<>();
        ChannelCluster.Member a = cluster.start("a", ChannelCluster.echo("a"));
        ChannelCluster.Member b = cluster.start("b", (sender, req) -> {
            seenSender.set(sender);
            handlerThread.set(Thread.currentThread().getName());
            return CompletableFuture.completedFuture(bytes("b:" + text(req)));
        });
        awaitViewSize(2, a, b);

        byte[] reply = a.channel().request(b.id(), bytes("hello"), RequestOptions.timeout(5_000)).get(5, TimeUnit.SECONDS);

        assertThat(text(reply)).isEqualTo("b:hello");
        assertThat(seenSender.get()).isEqualTo(a.id());
        assertThat(handlerThread.get()).startsWith("tessera-b-worker");
        // a request to oneself is answered locally
        assertThat(text(a.channel().request(a.id(), bytes("me"), RequestOptions.timeout(5_000)).get(5, TimeUnit.SECONDS)))
                .isEqualTo("a:me");
        assertThat(a.channel().pendingRequests()).isZero();
    }

    @Test
    void inlineRequestRunsTheHandlerAndCompletesTheReplyWithoutWorkerHandOffs() throws Exception {
        cluster = new ChannelCluster();
        AtomicReference<String> handlerThread = new AtomicReference<>();
        ChannelCluster.Member a = cluster.start("a", null);
        ChannelCluster.Member b = cluster.start("b", (sender, req) -> {
            handlerThread.set(Thread.currentThread().getName());
            return CompletableFuture.completedFuture(bytes("b:" + text(req)));
        });
        awaitViewSize(2, a, b);
        assertThat(text(a.channel().request(b.id(), bytes("early"), RequestOptions.timeout(5_000).andInline()).get(5, TimeUnit.SECONDS))).isEqualTo("b:early");
        assertThat(handlerThread.get()).as("before the application enables inline handling").startsWith("tessera-b-worker");
        b.channel().enableInlineRequests();

        AtomicReference<String> completionThread = new AtomicReference<>();
        CompletableFuture<byte[]> f = a.channel().request(b.id(), bytes("fast"), RequestOptions.timeout(5_000).andInline());
        byte[] reply = f.whenComplete((r, e) -> completionThread.set(Thread.currentThread().getName())).get(5, TimeUnit.SECONDS);

        assertThat(text(reply)).isEqualTo("b:fast");
        assertThat(handlerThread.get()).as("handled on the delivering JGroups thread").doesNotContain("worker");
        assertThat(completionThread.get()).as("completed on the delivering JGroups thread").doesNotContain("worker");
        // a bounded inline request takes and returns a permit like any other
        int permits = a.channel().availableRequestPermits();
        assertThat(text(a.channel().request(b.id(), bytes("x"), new RequestOptions(5_000, true, true)).get(5, TimeUnit.SECONDS))).isEqualTo("b:x");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.channel().availableRequestPermits() == permits);
        assertThat(a.channel().pendingRequests()).isZero();
    }

    @Test
    void nullReplyAndEmptyPayloadRoundTrip() throws Exception {
        cluster = new ChannelCluster();
        ChannelCluster.Member a = cluster.start("a", null);
        ChannelCluster.Member b = cluster.start("b",
                (sender, req) -> CompletableFuture.completedFuture(req.length == 0 ? null : req));
        awaitViewSize(2, a, b);

        assertThat(a.channel().request(b.id(), new byte[0], RequestOptions.timeout(5_000)).get(5, TimeUnit.SECONDS)).isNull();
        assertThat(a.channel().request(b.id(), new byte[] {1, 2, 3}, RequestOptions.timeout(5_000)).get(5, TimeUnit.SECONDS))
                .containsExactly(1, 2, 3);
    }

    @Test
    void concurrentRequestStormFromThreeMembersIsAllAnsweredCorrectly() {
        cluster = new ChannelCluster();
        List<ChannelCluster.Member> members = List.of(
                cluster.start("a", ChannelCluster.echo("a")),
                cluster.start("b", ChannelCluster.echo("b")),
                cluster.start("c", ChannelCluster.echo("c")));
        awaitViewSize(3, members.toArray(ChannelCluster.Member[]::new));
        int perMember = 1000;

        List<CompletableFuture<Boolean>> checks = new ArrayList<>();
        List<Thread> senders = new ArrayList<>();
        for (ChannelCluster.Member from : members) {
            List<ChannelCluster.Member> others = members.stream().filter(m -> m != from).toList();
            List<CompletableFuture<Boolean>> mine = new CopyOnWriteArrayList<>();
            Thread t = new Thread(() -> {
                for (int i = 0; i < perMember; i++) {
                    ChannelCluster.Member to = others.get(i % others.size());
                    String payload = from.channel().localMember().name() + "-" + i;
                    String expected = to.channel().localMember().name() + ":" + payload;
                    mine.add(from.channel().request(to.id(), bytes(payload), RequestOptions.timeout(30_000))
                            .thenApply(r -> text(r).equals(expected)));
                }
            });
            senders.add(t);
            t.start();
            checks.add(CompletableFuture.supplyAsync(() -> {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return mine.stream().allMatch(CompletableFuture::join);
            }));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> checks.stream().allMatch(CompletableFuture::isDone));
        assertThat(checks).allSatisfy(c -> assertThat(c.join()).isTrue());
        assertThat(members).allSatisfy(m -> assertThat(m.channel().pendingRequests()).isZero());
    }

    /**
     * A's handler, on a request from B, sends a request to B and replies only when that completes (and vice versa),
     * with both sides doing it at the same time.
     */
    @Test
    void mutualNestedRequestsDoNotDeadlock() {
        cluster = new ChannelCluster();
        Map<String, ClusterChannel> channels = new ConcurrentHashMap<>();
        RequestHandler nested = (sender, req) -> {
            String r = text(req);
            if (r.startsWith("outer-")) {
                ClusterChannel self = channels.get(r.substring(6, 7));
                return self.request(sender, bytes("inner"), RequestOptions.timeout(10_000)).thenApply(inner -> bytes("done(" + text(inner) + ")"));
            }
            return CompletableFuture.completedFuture(bytes("inner-ok"));
        };
        ChannelCluster.Member a = cluster.start("a", (s, r) -> nested.handle(s, r));
        ChannelCluster.Member b = cluster.start("b", (s, r) -> nested.handle(s, r));
        channels.put("a", a.channel());
        channels.put("b", b.channel());
        awaitViewSize(2, a, b);

        List<CompletableFuture<byte[]>> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            all.add(a.channel().request(b.id(), bytes("outer-b"), RequestOptions.timeout(15_000)));
            all.add(b.channel().request(a.id(), bytes("outer-a"), RequestOptions.timeout(15_000)));
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> all.stream().allMatch(CompletableFuture::isDone));
        assertThat(all).allSatisfy(f -> assertThat(text(f.join())).isEqualTo("done(inner-ok)"));
    }

    /** Even a (badly behaved) handler that blocks on its nested request does not deadlock the two members. */
    @Test
    void mutualNestedRequestsWithBlockingHandlersDoNotDeadlock() {
        cluster = new ChannelCluster();
        Map<String, ClusterChannel> channels = new ConcurrentHashMap<>();
        RequestHandler blocking = (sender, req) -> {
            String r = text(req);
            if (r.startsWith("outer-")) {
                byte[] inner = channels.get(r.substring(6, 7)).request(sender, bytes("inner"), RequestOptions.timeout(10_000)).join();
                return CompletableFuture.completedFuture(bytes("done(" + text(inner) + ")"));
            }
            return CompletableFuture.completedFuture(bytes("inner-ok"));
        };
        ChannelCluster.Member a = cluster.start("a", (s, r) -> blocking.handle(s, r));
        ChannelCluster.Member b = cluster.start("b", (s, r) -> blocking.handle(s, r));
        channels.put("a", a.channel());
        channels.put("b", b.channel());
        awaitViewSize(2, a, b);

        List<CompletableFuture<byte[]>> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.add(a.channel().request(b.id(), bytes("outer-b"), RequestOptions.timeout(15_000)));
            all.add(b.channel().request(a.id(), bytes("outer-a"), RequestOptions.timeout(15_000)));
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> all.stream().allMatch(CompletableFuture::isDone));
        assertThat(all).allSatisfy(f -> assertThat(text(f.join())).isEqualTo("done(inner-ok)"));
    }

    @Test
    void failingHandlerFailsTheCallerWithRemoteRequestExceptionCarryingTheMessage() {
        cluster = new ChannelCluster();
        ChannelCluster.Member a = cluster.start("a", null);
        ChannelCluster.Member b = cluster.start("b", (sender, req) -> text(req).equals("throw")
                ? CompletableFuture.supplyAsync(() -> {
                    throw new IllegalStateException("WRONG_OWNER:17");
                })
                : CompletableFuture.failedFuture(new UnsupportedOperationException("nope")));
        ChannelCluster.Member c = cluster.start("c", (sender, req) -> {
            throw new IllegalArgumentException("thrown directly");
        });
        awaitViewSize(3, a, b, c);

        CompletableFuture<byte[]> f1 = a.channel().request(b.id(), bytes("throw"), RequestOptions.timeout(5_000));
        CompletableFuture<byte[]> f2 = a.channel().request(b.id(), bytes("fail"), RequestOptions.timeout(5_000));
        CompletableFuture<byte[]> f3 = a.channel().request(c.id(), bytes("x"), RequestOptions.timeout(5_000));
        await().atMost(Duration.ofSeconds(5)).until(() -> f1.isDone() && f2.isDone() && f3.isDone());

        assertThat(failureOf(f1)).isInstanceOf(RemoteRequestException.class).hasMessage("WRONG_OWNER:17")
                .satisfies(e -> {
                    RemoteRequestException r = (RemoteRequestException) e;
                    assertThat(r.remoteExceptionClass()).isEqualTo(IllegalStateException.class.getName());
                    assertThat(r.member()).isEqualTo(b.id());
                });
        assertThat(failureOf(f2)).isInstanceOf(RemoteRequestException.class).hasMessage("nope");
        assertThat(failureOf(f3)).isInstanceOf(RemoteRequestException.class).hasMessage("thrown directly");
    }

    @Test
    void unansweredRequestFailsWithRequestTimeoutExceptionAfterItsTimeout() {
        cluster = new ChannelCluster();
        ChannelCluster.Member a = cluster.start("a", null);
        ChannelCluster.Member b = cluster.start("b", (sender, req) -> new CompletableFuture<>()); // never replies
        awaitViewSize(2, a, b);

        long start = System.nanoTime();
        CompletableFuture<byte[]> f = a.channel().request(b.id(), bytes("x"), RequestOptions.timeout(300));
        await().atMost(Duration.ofSeconds(5)).until(f::isDone);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(failureOf(f)).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("300 ms");
        assertThat(elapsedMs).isGreaterThanOrEqualTo(290);
        assertThat(a.channel().pendingRequests()).isZero();
    }

    @Test
    void requestToAMemberOutsideTheViewFailsAtOnceWithMemberUnreachableException() {
        cluster = new ChannelCluster(Duration.ofSeconds(30));
        ChannelCluster.Member a = cluster.start("a", null);
        ChannelCluster.Member b = cluster.start("b", ChannelCluster.echo("b"));
        awaitViewSize(2, a, b);
        MemberId gone = b.id();
        b.channel().close();
        awaitViewSize(1, a);

        CompletableFuture<byte[]> f = a.channel().request(gone, bytes("x"), RequestOptions.timeout(30_000));

        assertThat(f).isCompletedExceptionally();
        assertThat(failureOf(f)).isInstanceOf(MemberUnreachableException.class)
                .satisfies(e -> assertThat(((MemberUnreachableException) e).member()).isEqualTo(gone));
        assertThatThrownBy(() -> a.channel().send(gone, bytes("x"))).isInstanceOf(MemberUnreachableException.class);
    }

    @Test
    void requestToAMemberThatCrashesMidRequestFailsWithMemberUnreachableException() {
        cluster = new ChannelCluster(Duration.ofSeconds(2));
        CompletableFuture<Void> received = new CompletableFuture<>();
        ChannelCluster.Member a = cluster.start("a", null);
        ChannelCluster.Member b = cluster.start("b", (sender, req) -> {
            received.complete(null);
            return new CompletableFuture<>(); // holds the reply forever
        });
        awaitViewSize(2, a, b);

        long start = System.nanoTime();
        CompletableFuture<byte[]> f = a.channel().request(b.id(), bytes("x"), RequestOptions.timeout(60_000));
        await().atMost(Duration.ofSeconds(5)).until(received::isDone);
        b.channel().crash();

        await().atMost(Duration.ofSeconds(15)).until(f::isDone);
        assertThat(failureOf(f)).isInstanceOf(MemberUnreachableException.class);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(15);
    }

    @Test
    void pendingRequestsFailWithMembershipExceptionWhenTheLocalChannelCloses() {
        cluster = new ChannelCluster();
        ChannelCluster.Member a = cluster.start("a", null);
        ChannelCluster.Member b = cluster.start("b", (sender, req) -> new CompletableFuture<>());
        awaitViewSize(2, a, b);

        CompletableFuture<byte[]> f = a.channel().request(b.id(), bytes("x"), RequestOptions.timeout(60_000));
        a.channel().close();

        await().atMost(Duration.ofSeconds(5)).until(f::isDone);
        assertThat(failureOf(f)).isExactlyInstanceOf(MembershipException.class).hasMessageContaining("closed");
        assertThat(failureOf(a.channel().request(b.id(), bytes("x"), RequestOptions.timeout(1_000))))
                .isExactlyInstanceOf(MembershipException.class);
    }

    @Test
    void requestBoundedFailsTheThirdRequestWithRequestTimeoutWhenTwoAreInFlight() throws Exception {
        cluster = new ChannelCluster();
        List<CompletableFuture<byte[]>> held = new CopyOnWriteArrayList<>();
        ChannelCluster.Member a = cluster.start(cluster.settings("a", null).withMaxInFlightRequests(2), null);
        ChannelCluster.Member b = cluster.start("b", (sender, req) -> {
            CompletableFuture<byte[]> reply = new CompletableFuture<>();
            held.add(reply);
            return reply;
        });
        awaitViewSize(2, a, b);

        CompletableFuture<byte[]> first = a.channel().request(b.id(), bytes("1"), RequestOptions.timeout(10_000).andBounded());
        CompletableFuture<byte[]> second = a.channel().request(b.id(), bytes("2"), RequestOptions.timeout(10_000).andBounded());
        await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 2);
        assertThat(a.channel().availableRequestPermits()).isZero();

        long start = System.nanoTime();
        CompletableFuture<byte[]> third = a.channel().request(b.id(), bytes("3"), RequestOptions.timeout(300).andBounded());
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(elapsedMs).isGreaterThanOrEqualTo(290);
        assertThat(failureOf(third)).isInstanceOf(RequestTimeoutException.class)
                .hasMessageContaining("too many requests in flight");
        assertThat(held).hasSize(2); // the third never left this member

        held.forEach(h -> h.complete(bytes("ok")));
        assertThat(text(first.get(5, TimeUnit.SECONDS))).isEqualTo("ok");
        assertThat(text(second.get(5, TimeUnit.SECONDS))).isEqualTo("ok");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.channel().availableRequestPermits() == 2);
        // permits are back: a new bounded request goes through
        CompletableFuture<byte[]> fourth = a.channel().request(b.id(), bytes("4"), RequestOptions.timeout(5_000).andBounded());
        await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 3);
        held.get(2).complete(bytes("ok4"));
        assertThat(text(fourth.get(5, TimeUnit.SECONDS))).isEqualTo("ok4");
    }
}
