package dev.tessera.grid.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.core.wire.ReplicationMessages.Fence;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicateResponse;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.MemberId;
import dev.tessera.grid.testkit.ScriptedMessenger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A predecessor's confirmation that it stopped serving releases every partition that waited for it, whichever of its
 * equal {@link MemberId} objects each partition's table row holds. Found by the multi-JVM soak (seed
 * 156961214516942994 round 10: a joiner killed mid-migration, then 33 of 40 getAll batches of the bulk map timed out
 * for 2.5 minutes) and reproduced in-process: the coordinator's own table named its predecessor with two equal ids;
 * the confirmation, compared by identity, released only the partitions holding the first one, and the others
 * answered RETRY for as long as the predecessor lived.
 */
class HandoverConfirmationTest {
    private static final int PARTITIONS = 4;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final MemberId self = MemberId.random();
    private final MemberId predecessor = MemberId.random();
    /** The same member as {@link #predecessor}, as another object: as a second table or view builds it. */
    private final MemberId samePredecessor = MemberId.parse(predecessor.uniqueName());

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aConfirmationByAnEqualIdReleasesThePartition() {
        assertThat(samePredecessor).isEqualTo(predecessor).isNotSameAs(predecessor);
        TopologyState ts = new TopologyState(self, PARTITIONS);
        ts.apply(table(1, self));
        ts.awaitHandover(0, predecessor);
        assertThat(ts.isHeldBack(ts.table(), 0)).isTrue();

        ts.handoverConfirmed(0, samePredecessor);

        assertThat(ts.servesAsPrimary(ts.table(), 0)).isTrue();
        assertThat(ts.awaitedHandover(0)).isNull();
    }

    @Test
    void aConfirmationByAnotherMemberReleasesNothing() {
        TopologyState ts = new TopologyState(self, PARTITIONS);
        ts.apply(table(1, self));
        ts.awaitHandover(0, predecessor);

        ts.handoverConfirmed(0, MemberId.random());

        assertThat(ts.isHeldBack(ts.table(), 0)).isTrue();
        assertThat(ts.awaitedHandover(0)).isEqualTo(predecessor);
    }

    @Test
    void everyPartitionTakenOverFromALivePredecessorIsServedOnceItConfirmed() {
        TopologyState ts = new TopologyState(self, PARTITIONS);
        ScriptedMessenger messenger = new ScriptedMessenger(self, List.of(self, predecessor), (to, request) -> new CompletableFuture<>());
        List<Fence> asked = new CopyOnWriteArrayList<>();
        messenger.script((to, bytes) -> {
            asked.add(Messages.decode(bytes, Fence.class));
            return CompletableFuture.completedFuture(new ReplicateResponse(Status.OK, 2).encode());
        });
        HandoverFences fences = new HandoverFences(ts, messenger, scheduler, 1_000);
        ts.addListener(fences::onTable);
        // the predecessor is primary everywhere, named by one object in partition 0 and by another in the rest
        MemberId[][] before = new MemberId[PARTITIONS][];
        for (int p = 0; p < PARTITIONS; p++) {
            before[p] = new MemberId[] {p == 0 ? predecessor : samePredecessor, self};
        }
        ts.apply(new PartitionTable(1, before, null));
        ts.apply(table(2, self, predecessor)); // this member takes every partition over from its live predecessor

        await().atMost(Duration.ofSeconds(5)).until(() -> !asked.isEmpty());
        assertThat(asked).hasSize(1);
        assertThat(asked.get(0).partitions()).containsExactlyInAnyOrder(0, 1, 2, 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> IntStream.range(0, PARTITIONS).allMatch(p -> ts.servesAsPrimary(ts.table(), p)));
        assertThat(IntStream.range(0, PARTITIONS).filter(p -> ts.isHeldBack(ts.table(), p)).boxed().toList())
                .as("partitions still held back after the predecessor confirmed").isEmpty();
    }

    @Test
    void aLateConfirmationOfAnEarlierTakeoverDoesNotReleaseALaterOne() {
        TopologyState ts = new TopologyState(self, PARTITIONS);
        ScriptedMessenger messenger = new ScriptedMessenger(self, List.of(self, predecessor), (to, request) -> new CompletableFuture<>());
        List<Fence> asked = new CopyOnWriteArrayList<>();
        List<CompletableFuture<byte[]>> answers = new CopyOnWriteArrayList<>();
        messenger.script((to, bytes) -> {
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            asked.add(Messages.decode(bytes, Fence.class));
            answers.add(answer);
            return answer;
        });
        HandoverFences fences = new HandoverFences(ts, messenger, scheduler, 60_000);
        ts.addListener(fences::onTable);
        ts.apply(table(1, predecessor, self));
        ts.apply(table(2, self, predecessor)); // taken over: the fence request for table 2 stays unanswered for now
        await().atMost(Duration.ofSeconds(5)).until(() -> asked.size() == 1);
        ts.apply(table(3, predecessor, self)); // back to the predecessor, which serves with table 3
        ts.apply(table(4, self, predecessor)); // and taken over again
        await().atMost(Duration.ofSeconds(5)).until(() -> asked.size() == 2);
        assertThat(asked.get(1).tableVersion()).isEqualTo(4);

        answers.get(0).complete(new ReplicateResponse(Status.OK, 2).encode()); // "stopped before table 2": says nothing of 4
        assertThat(ts.isHeldBack(ts.table(), 0)).as("held back until the predecessor stopped at table 4").isTrue();

        answers.get(1).complete(new ReplicateResponse(Status.OK, 4).encode());
        await().atMost(Duration.ofSeconds(5)).until(() -> ts.servesAsPrimary(ts.table(), 0));
    }

    private static PartitionTable table(long version, MemberId... owners) {
        MemberId[][] rows = new MemberId[PARTITIONS][];
        for (int p = 0; p < PARTITIONS; p++) {
            rows[p] = owners.clone();
        }
        return new PartitionTable(version, rows, null);
    }
}
