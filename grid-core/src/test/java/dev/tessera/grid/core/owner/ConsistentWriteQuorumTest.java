package dev.tessera.grid.core.owner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.MapConfig;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.cluster.LeaseTiming;
import dev.tessera.grid.core.cluster.QuorumTracker;
import dev.tessera.grid.core.cluster.ReadLease;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.loading.LoadLeases;
import dev.tessera.grid.core.partition.KeyPartitioner;
import dev.tessera.grid.core.replication.ChangeObservers;
import dev.tessera.grid.core.replication.Replicator;
import dev.tessera.grid.core.serialization.KryoCodec;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.time.HybridClock;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.LeaseMessages.LeaseAck;
import dev.tessera.grid.core.wire.LeaseMessages.LeasePing;
import dev.tessera.grid.core.wire.MessageType;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.core.wire.OpCode;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicateResponse;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.MemberId;
import dev.tessera.grid.membership.MemberUnreachableException;
import dev.tessera.grid.testkit.ManualTime;
import dev.tessera.grid.testkit.ScriptedMessenger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A CONSISTENT write whose copy ends because its backup left the view (failure detection dropped it) is acknowledged
 * only once a lease renewal in a later view confirms this side's quorum. The regression for the chaos finding
 * PartitionTest 3|2 (chaos-tests README): a minority primary's copy to the cut-off backup ended at the view change,
 * the quorum tracker had not been handed that view yet, and the write, held only by the minority, was acknowledged.
 *
 * <p>Member P is primary of every partition, Q its one synchronous backup, R the third member; time is manual, and the
 * view the channel shows is changed without telling the quorum tracker where the race needs it.
 */
class ConsistentWriteQuorumTest {
    private static final int PARTITIONS = 4;
    private static final MapConfig CONSISTENT = MapConfig.builder().backups(1).splitBrainMode(SplitBrainMode.CONSISTENT).build();
    private static final LeaseTiming TIMING = LeaseTiming.forFailureDetection(Duration.ofSeconds(2));

    private final MemberId p = MemberId.random();
    private final MemberId q = MemberId.random();
    private final MemberId r = MemberId.random();
    private final ManualTime time = ManualTime.frozen();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ConcurrentLinkedQueue<CompletableFuture<byte[]>> copies = new ConcurrentLinkedQueue<>();
    /** Members that answer lease pings: those on this side of a split. */
    private volatile Set<MemberId> answeringPings = Set.of(q, r);
    private final ScriptedMessenger messenger = new ScriptedMessenger(p, List.of(p, q, r), this::answer);
    private final QuorumTracker quorum = new QuorumTracker();
    private final TopologyState topology = new TopologyState(p, PARTITIONS, t -> new ReadLease(messenger, t, quorum, time, TIMING));
    private final ReadLease lease = topology.readLease();
    private final LocalStorage storage = new LocalStorage(PARTITIONS);
    private final PartitionWriter writer = new PartitionWriter(topology, new HybridClock(time::wallMillis), quorum,
            new ChangeObservers(), (map, partition, key) -> { }, new Replicator(messenger, scheduler, 60_000, time));
    private final PrimaryOperations ops = new PrimaryOperations(topology, storage, writer, quorum, new LoadLeases(topology, storage),
            new KryoCodec(List.of()), Map.of(), (map, partition) -> { }, StoreWrapper.NONE);

    @BeforeEach
    void wholeClusterWithALease() {
        topology.apply(OwnerGateTest.table(3, p, q, r));
        quorum.onView(messenger.view(), topology.table()); // stable membership {P, Q, R}
        lease.renew();
        assertThat(lease.holds()).as("the lease held while all three answer").isTrue();
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void minorityPrimary_whoseBackupLeftBeforeTheQuorumTrackerSawTheView_refusesTheWrite() throws Exception {
        CompletableFuture<OpResponse> write = ops.execute(set("k", "minority"), false);
        assertThat(copies).as("the copy to Q is under way").hasSize(1);

        // the split: P's failure detection drops Q and R; the channel shows view {P}, the tracker still has {P, Q, R}
        answeringPings = Set.of();
        messenger.installView(List.of(p));
        copies.remove().completeExceptionally(new MemberUnreachableException(q, "Q left"));
        awaitCopyEnded(write);
        assertThat(quorum.hasQuorum()).as("the tracker, not handed the view, still believes in a quorum").isTrue();

        lease.renew(); // a round in view {P}: one of three, no quorum
        assertThat(write).as("not acknowledged on a view without quorum").isNotDone();
        time.advance(Duration.ofNanos(TIMING.leaseNanos() + 1));
        lease.renew();

        OpResponse answer = write.get(5, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(Status.UNAVAILABLE);
        assertThat(answer.mayHaveBeenApplied()).as("applied here: it may survive").isTrue();
        assertThat(answer.error()).contains("could not confirm").contains("may survive");
        assertThat(lease.pendingConfirmations()).isZero();
    }

    @Test
    void primaryThatStillSeesAMajority_whichDoesNotAnswer_refusesTheWrite() throws Exception {
        CompletableFuture<OpResponse> write = ops.execute(set("k", "believed majority"), false);

        // P's failure detection dropped only Q so far: view {P, R}, two of three, but R is on the other side too
        answeringPings = Set.of();
        messenger.installView(List.of(p, r));
        quorum.onView(messenger.view(), topology.table());
        copies.remove().completeExceptionally(new MemberUnreachableException(q, "Q left"));
        awaitCopyEnded(write);
        assertThat(quorum.hasQuorum()).isTrue();

        lease.renew();
        time.advance(Duration.ofNanos(TIMING.leaseNanos() + 1));
        lease.renew();

        assertThat(write.get(5, TimeUnit.SECONDS).status()).isEqualTo(Status.UNAVAILABLE);
    }

    @Test
    void primaryOfTheMajority_whoseBackupCrashed_acknowledgesOnceALaterRoundConfirms() throws Exception {
        CompletableFuture<OpResponse> write = ops.execute(set("k", "majority"), false);

        answeringPings = Set.of(r); // Q crashed; R is here
        messenger.installView(List.of(p, r));
        quorum.onView(messenger.view(), topology.table());
        copies.remove().completeExceptionally(new MemberUnreachableException(q, "Q left"));
        awaitCopyEnded(write);
        assertThat(write).as("not before a round started after Q left").isNotDone();

        time.advance(Duration.ofMillis(1));
        lease.renew(); // R answers at once: the round confirms

        OpResponse answer = write.get(5, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(Status.OK);
        assertThat(lease.pendingConfirmations()).isZero();
    }

    @Test
    void aCopyEveryReplicaAcknowledged_needsNoConfirmation() throws Exception {
        CompletableFuture<OpResponse> write = ops.execute(set("k", "v"), false);
        copies.remove().complete(new ReplicateResponse(Status.OK, 3).encode());
        assertThat(write.get(5, TimeUnit.SECONDS).status()).isEqualTo(Status.OK);
        assertThat(lease.pendingConfirmations()).isZero();
    }

    /** Until the copy counted the departed Q as done: the write then waits for confirmation (or, unconfirmed, ended). */
    private void awaitCopyEnded(CompletableFuture<OpResponse> write) {
        await("the copy counted the departed Q as done").atMost(Duration.ofSeconds(10))
                .until(() -> lease.pendingConfirmations() == 1 || write.isDone());
    }

    private CompletableFuture<byte[]> answer(MemberId to, byte[] message) {
        if (Messages.typeOf(message) == MessageType.LEASE_PING) {
            if (!answeringPings.contains(to)) {
                return new CompletableFuture<>(); // cut off: never answered
            }
            LeasePing ping = Messages.decode(message, LeasePing.class);
            return CompletableFuture.completedFuture(new LeaseAck(true, ping.viewId(), topology.table().version()).encode());
        }
        CompletableFuture<byte[]> copy = new CompletableFuture<>();
        copies.add(copy);
        return copy;
    }

    private ClientOp set(String key, String value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return new ClientOp(3, "cp", CONSISTENT, new KeyPartitioner(PARTITIONS).partitionOf(k), OpCode.SET, k,
                value.getBytes(StandardCharsets.UTF_8), null, 0, Long.MAX_VALUE, null);
    }
}
