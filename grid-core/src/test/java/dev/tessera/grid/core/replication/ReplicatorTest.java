package dev.tessera.grid.core.replication;

import dev.tessera.grid.core.time.TimeSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicateResponse;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberInfo;
import dev.tessera.grid.membership.MemberUnreachableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import dev.tessera.grid.membership.MemberId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a copy counts as delivered: never to a member this one has not seen join yet. */
class ReplicatorTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final MemberId self = MemberId.random();
    private final MemberId joiner = MemberId.random();
    private final FakeMessenger messenger = new FakeMessenger();

    {
        messenger.view(List.of(self));
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void copyToAMemberNotYetInOurView_waitsUntilItJoinsAndApplies() {
        Replicator replicator = new Replicator(messenger, scheduler, 10_000, TimeSource.SYSTEM);
        messenger.view(List.of(self)); // the coordinator saw the joiner; our view does not show it yet
        CompletableFuture<Boolean> copy = replicator.sendReliably(joiner, new byte[] {1}, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> messenger.attempts.get() >= 3); // it tried, and tried again
        assertThat(copy).as("a copy to a member we have not seen must not count as delivered").isNotDone();
        assertThat(messenger.delivered.get()).isZero();

        messenger.view(List.of(self, joiner));
        await().atMost(Duration.ofSeconds(5)).until(copy::isDone);
        assertThat(copy).as("applied by the receiver").isCompletedWithValue(true);
        assertThat(messenger.delivered.get()).isEqualTo(1);
    }

    @Test
    void copyToAMemberThatLeft_countsAsDone() {
        Replicator replicator = new Replicator(messenger, scheduler, 10_000, TimeSource.SYSTEM);
        messenger.view(List.of(self, joiner));
        messenger.view(List.of(self)); // it left
        CompletableFuture<Boolean> copy = replicator.sendReliably(joiner, new byte[] {1}, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        await().atMost(Duration.ofSeconds(5)).until(copy::isDone);
        assertThat(copy).as("done, but not applied: a reply it was to forward is the primary's to send")
                .isCompletedWithValue(false);
        assertThat(messenger.delivered.get()).isZero();
    }

    /** A messenger whose view the test sets; requests to members in the view are applied (OK). */
    private final class FakeMessenger implements Messenger {
        final AtomicInteger delivered = new AtomicInteger();
        /** Attempts the replicator made: each one first asks whether the receiver left. */
        final AtomicInteger attempts = new AtomicInteger();
        final Set<MemberId> seen = new HashSet<>();
        volatile ClusterView view;

        synchronized void view(List<MemberId> members) {
            List<MemberInfo> infos = new ArrayList<>();
            members.forEach(a -> infos.add(new MemberInfo(a, a.toString(), null)));
            view = new ClusterView(view == null ? 1 : view.viewId() + 1, infos, false);
            seen.addAll(members);
        }

        @Override
        public MemberId self() {
            return self;
        }

        @Override
        public ClusterView view() {
            return view;
        }

        @Override
        public synchronized boolean hasLeft(MemberId member) {
            attempts.incrementAndGet();
            return seen.contains(member) && !view.contains(member);
        }

        @Override
        public CompletableFuture<byte[]> request(MemberId to, byte[] message, long timeoutMillis) {
            if (!view.contains(to)) {
                return CompletableFuture.failedFuture(new MemberUnreachableException(to, "not in view"));
            }
            delivered.incrementAndGet();
            return CompletableFuture.completedFuture(new ReplicateResponse(Status.OK, 1).encode());
        }

        @Override
        public CompletableFuture<byte[]> requestBounded(MemberId to, byte[] message, long timeoutMillis) {
            return request(to, message, timeoutMillis);
        }

        @Override
        public void send(MemberId to, byte[] message) {}

        @Override
        public void forwardReply(MemberId caller, long requestId, byte[] reply) {}

        @Override
        public void broadcast(byte[] message) {}
    }
}
