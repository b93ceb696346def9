package dev.tessera.grid.core.replication;

import dev.tessera.grid.core.time.TimeSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.core.wire.ReplicationMessages.ReplicateResponse;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.MemberUnreachableException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import dev.tessera.grid.membership.MemberId;
import dev.tessera.grid.testkit.ScriptedMessenger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a copy counts as delivered: never to a member this one has not seen join yet. */
class ReplicatorTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final MemberId self = MemberId.random();
    private final MemberId joiner = MemberId.random();
    /** The view the test sets; each attempt of the replicator first asks whether the receiver left. */
    private final ScriptedMessenger messenger = new ScriptedMessenger(self, List.of(self), this::deliver);
    private final AtomicInteger delivered = new AtomicInteger();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void copyToAMemberNotYetInOurView_waitsUntilItJoinsAndApplies() {
        Replicator replicator = new Replicator(messenger, scheduler, 10_000, TimeSource.SYSTEM);
        messenger.installView(List.of(self)); // the coordinator saw the joiner; our view does not show it yet
        CompletableFuture<Boolean> copy = replicator.sendReliably(joiner, new byte[] {1}, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> messenger.leftQueries() >= 3); // it tried, and tried again
        assertThat(copy).as("a copy to a member we have not seen must not count as delivered").isNotDone();
        assertThat(delivered.get()).isZero();

        messenger.installView(List.of(self, joiner));
        await().atMost(Duration.ofSeconds(5)).until(copy::isDone);
        assertThat(copy).as("applied by the receiver").isCompletedWithValue(true);
        assertThat(delivered.get()).isEqualTo(1);
    }

    @Test
    void copyToAMemberThatLeft_countsAsDone() {
        Replicator replicator = new Replicator(messenger, scheduler, 10_000, TimeSource.SYSTEM);
        messenger.installView(List.of(self, joiner));
        messenger.installView(List.of(self)); // it left
        CompletableFuture<Boolean> copy = replicator.sendReliably(joiner, new byte[] {1}, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        await().atMost(Duration.ofSeconds(5)).until(copy::isDone);
        assertThat(copy).as("done, but not applied: a reply it was to forward is the primary's to send")
                .isCompletedWithValue(false);
        assertThat(delivered.get()).isZero();
    }

    /** Requests to members in the view are applied (OK); to others they fail as the channel fails them. */
    private CompletableFuture<byte[]> deliver(MemberId to, byte[] message) {
        if (!messenger.view().contains(to)) {
            return CompletableFuture.failedFuture(new MemberUnreachableException(to, "not in view"));
        }
        delivered.incrementAndGet();
        return CompletableFuture.completedFuture(new ReplicateResponse(Status.OK, 1).encode());
    }
}
