package dev.tessera.grid.core;

import dev.tessera.grid.core.time.TimeSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.GridUnavailableException;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.cluster.HandoverFences;
import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.core.cluster.QuorumTracker;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.loading.LoadLeases;
import dev.tessera.grid.core.nearcache.InvalidationPublisher;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.owner.PartitionWriter;
import dev.tessera.grid.core.owner.PrimaryOperations;
import dev.tessera.grid.core.owner.StoreWrapper;
import dev.tessera.grid.core.replication.ChangeObservers;
import dev.tessera.grid.core.replication.ReplicaReceiver;
import dev.tessera.grid.core.replication.Replicator;
import dev.tessera.grid.core.routing.OperationInvoker;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.time.HybridClock;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.core.wire.OpCode;
import dev.tessera.grid.core.wire.ReplicationMessages;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import dev.tessera.grid.core.wire.ReplicationMessages.Replicate;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.MemberUnreachableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import dev.tessera.grid.membership.MemberId;
import dev.tessera.grid.testkit.ScriptedMessenger;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Messages that arrive late, from an earlier primaryship or from a caller that has given up (the transport
 * retransmits what a network split dropped once it heals), must not be applied; and a CONSISTENT write refused
 * after it was applied must not be reported as cleanly refused. In-process: one member's components, a scripted
 * {@link Messenger}, hand-made tables.
 */
class StaleMessageTest {
    private static final int PARTITIONS = 4;
    private static final MapConfig ONE_BACKUP = MapConfig.builder().backups(1).build();
    private static final MapConfig NO_BACKUP = MapConfig.builder().backups(0).build();
    private static final MapConfig CONSISTENT = MapConfig.builder().backups(1).splitBrainMode(SplitBrainMode.CONSISTENT).build();

    private final MemberId p = named("P");
    private final MemberId q = named("Q");
    private final MemberId r = named("R");
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------- (a) primarySince

    @Test
    void primarySince_isTheFirstTableOfTheCurrentPrimarysTerm() {
        TopologyState ts = new TopologyState(r, PARTITIONS);
        assertThat(ts.primarySince(0)).isZero();
        ts.apply(table(3, p, r));
        assertThat(ts.primarySince(0)).isEqualTo(3);
        ts.apply(table(4, p, q, r)); // same primary, other backups: same term
        assertThat(ts.primarySince(0)).isEqualTo(3);
        ts.apply(table(7, q, r));
        assertThat(ts.primarySince(0)).isEqualTo(7);
        ts.apply(table(20, p, r)); // P again: a new term
        assertThat(ts.primarySince(0)).isEqualTo(20);
        ts.apply(table(15, q, r)); // older table: ignored
        assertThat(ts.primarySince(0)).isEqualTo(20);
    }

    @Test
    void replicaRejectsCopiesTheCurrentPrimarySentUnderAnEarlierPrimaryship() {
        TopologyState ts = new TopologyState(r, PARTITIONS);
        LocalStorage storage = new LocalStorage(PARTITIONS);
        ReplicaReceiver receiver = new ReplicaReceiver(ts, storage);
        ts.apply(table(2, p, r));
        ts.apply(table(5, q, r)); // P departed (our side of a split), Q promoted
        ts.apply(table(30, p, r)); // P back, primary again (the heal)

        // P's write of its first term (or of its own lineage during the split), delivered late: however new its
        // version, it does not belong to this term
        assertThat(receiver.apply(p, replicate(2, "k1", "old-term", 2L << 32 | 9)).status()).isEqualTo(Status.REJECTED);
        assertThat(receiver.apply(p, replicate(29, "k2", "other-lineage", 29L << 32 | 1)).status()).isEqualTo(Status.REJECTED);
        assertThat(receiver.apply(p, replicate(2, "k3", "huge-version", Long.MAX_VALUE)).status()).isEqualTo(Status.REJECTED);
        assertThat(value(storage, "k1")).isNull();
        assertThat(value(storage, "k2")).isNull();
        assertThat(value(storage, "k3")).isNull();

        // the current term's copies apply; a copy made with a table newer than ours waits for it
        assertThat(receiver.apply(p, replicate(30, "k1", "current", 30L << 32 | 1)).status()).isEqualTo(Status.OK);
        assertThat(value(storage, "k1")).isEqualTo("current");
        assertThat(receiver.apply(p, replicate(31, "k4", "newer-table", 30L << 32 | 2)).status()).isEqualTo(Status.RETRY);
        ts.apply(table(31, p, r));
        assertThat(receiver.apply(p, replicate(31, "k4", "newer-table", 30L << 32 | 2)).status()).isEqualTo(Status.OK);
        assertThat(receiver.apply(p, replicate(30, "k5", "same-term-older-table", 30L << 32 | 3)).status())
                .as("an older table of the same term").isEqualTo(Status.OK);
        assertThat(value(storage, "k5")).isEqualTo("same-term-older-table");
    }

    // ------------------------------------------------------------------------------------------- (b) deadline

    @Test
    void primaryIgnoresRemoteOperationsWhoseCallerGaveUp() {
        TopologyState ts = new TopologyState(p, PARTITIONS);
        ts.apply(table(3, p));
        LocalStorage storage = new LocalStorage(PARTITIONS);
        PrimaryOperations ops = primaryOps(ts, storage, messenger(p, List.of(p)), new QuorumTracker());
        long now = System.currentTimeMillis();

        OpResponse expired = ops.execute(set(3, NO_BACKUP, "k", "late", now - 5_000), true).join();
        assertThat(expired.status()).isEqualTo(Status.RETRY);
        assertThat(value(storage, "k")).as("an expired operation is not applied").isNull();

        assertThat(ops.execute(set(3, NO_BACKUP, "k", "skewed", now - 500), true).join().status())
                .as("within the tolerated clock skew").isEqualTo(Status.OK);
        assertThat(value(storage, "k")).isEqualTo("skewed");
        assertThat(ops.execute(set(3, NO_BACKUP, "k", "in-time", now + 5_000), true).join().status()).isEqualTo(Status.OK);
        assertThat(value(storage, "k")).isEqualTo("in-time");
    }

    @Test
    void primaryIgnoresOperationsSentBeforeItsOriginWasCutOff() {
        TopologyState ts = new TopologyState(p, PARTITIONS);
        LocalStorage storage = new LocalStorage(PARTITIONS);
        PrimaryOperations ops = primaryOps(ts, storage, messenger(p, List.of(p, q, r)), new QuorumTracker());
        long deadline = System.currentTimeMillis() + 60_000; // in time: only the departure tells these apart
        ts.apply(table(2, p, q, r));
        ts.apply(table(5, p, q)); // R is on the other side of a split
        assertThat(ts.departedAt(r)).isEqualTo(5);
        assertThat(ts.departedAt(q)).isZero();

        // sent by R just before the split, delivered when it heals: R has meanwhile retried it on its own side
        assertThat(ops.execute(set(r, 2, NO_BACKUP, "k", "from-before-the-split", deadline), true).join().status())
                .isEqualTo(Status.REJECTED);
        assertThat(value(storage, "k")).isNull();
        assertThat(ops.execute(set(q, 2, NO_BACKUP, "k", "q-never-left", deadline), true).join().status()).isEqualTo(Status.OK);
        assertThat(value(storage, "k")).isEqualTo("q-never-left");

        ts.apply(table(9, p, q, r)); // the heal: R is back
        assertThat(ops.execute(set(r, 2, NO_BACKUP, "k", "still-stale", deadline), true).join().status()).isEqualTo(Status.REJECTED);
        assertThat(value(storage, "k")).isEqualTo("q-never-left");
        assertThat(ops.execute(set(r, 9, NO_BACKUP, "k", "after-the-heal", deadline), true).join().status()).isEqualTo(Status.OK);
        assertThat(value(storage, "k")).isEqualTo("after-the-heal");
    }

    @Test
    void clientOpCarriesItsDeadlineOnTheWire() {
        ClientOp op = set(3, CONSISTENT, "k", "v", 1_234_567_890_123L);
        ClientOp decoded = Messages.decode(op.encode(), ClientOp.class);
        assertThat(decoded.deadlineMillis()).isEqualTo(1_234_567_890_123L);
        assertThat(decoded.origin()).isEqualTo(q);
        assertThat(decoded.tableVersion()).isEqualTo(3);
        assertThat(new String(decoded.value(), StandardCharsets.UTF_8)).isEqualTo("v");
        OpResponse refused = OpResponse.appliedThenRefused(Status.UNAVAILABLE, 7, "no majority");
        assertThat(Messages.decode(refused.encode(), OpResponse.class).mayHaveBeenApplied()).isTrue();
        assertThat(Messages.decode(OpResponse.status(Status.UNAVAILABLE, 7).encode(), OpResponse.class).mayHaveBeenApplied()).isFalse();
    }

    @Test
    void invokerSendsAnAbsoluteDeadlineAndItsAddress() {
        TopologyState ts = new TopologyState(r, PARTITIONS);
        ts.apply(table(3, p));
        List<ClientOp> sent = new ArrayList<>();
        ScriptedMessenger messenger = messenger(r, List.of(p, r));
        messenger.script((to, bytes) -> {
            sent.add(Messages.decode(bytes, ClientOp.class));
            return CompletableFuture.completedFuture(new OpResponse(Status.OK, false, null, 0, 3, null).encode());
        });
        OperationInvoker invoker = new OperationInvoker(messenger, ts, null, scheduler, 4_000, () -> true, TimeSource.SYSTEM);
        long before = System.currentTimeMillis();
        invoker.invoke("m", NO_BACKUP, 0, OpCode.SET, bytes("k"), bytes("v"), null, 0).join();
        long after = System.currentTimeMillis();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).deadlineMillis()).isBetween(before + 4_000, after + 4_000);
        assertThat(sent.get(0).origin()).isEqualTo(r);
    }

    // ------------------------------------------------------------------------------------------- (c) outcome unknown

    @Test
    void consistentWriteRefusedAfterItWasApplied_mayHaveBeenApplied() throws Exception {
        TopologyState ts = new TopologyState(p, PARTITIONS);
        PartitionTable t = table(3, p, q, r);
        ts.apply(t);
        ScriptedMessenger messenger = messenger(p, List.of(p, q, r));
        CompletableFuture<byte[]> copyToQ = new CompletableFuture<>();
        messenger.script((to, bytes) -> copyToQ);
        QuorumTracker quorum = new QuorumTracker();
        quorum.onView(messenger.view(), t);
        LocalStorage storage = new LocalStorage(PARTITIONS);
        PrimaryOperations ops = primaryOps(ts, storage, messenger, quorum, 5_000);

        CompletableFuture<OpResponse> reply = ops.execute(set(3, CONSISTENT, "k", "applied", Long.MAX_VALUE), false);
        assertThat(value(storage, "k")).as("applied locally, waiting for the backup").isEqualTo("applied");
        // the split: Q and R vanish while the copy is on its way
        messenger.installView(List.of(p));
        quorum.onView(messenger.view(), t);
        copyToQ.completeExceptionally(new MemberUnreachableException(q, "left the view"));
        OpResponse r1 = reply.get(5, TimeUnit.SECONDS);
        assertThat(r1.status()).isEqualTo(Status.UNAVAILABLE);
        assertThat(r1.mayHaveBeenApplied()).isTrue();

        // refused before applying: clean
        OpResponse r2 = ops.execute(set(3, CONSISTENT, "k2", "refused", Long.MAX_VALUE), false).get(5, TimeUnit.SECONDS);
        assertThat(r2.status()).isEqualTo(Status.UNAVAILABLE);
        assertThat(r2.mayHaveBeenApplied()).isFalse();
        assertThat(value(storage, "k2")).isNull();
    }

    @Test
    void invokerMapsRefusalsToMayHaveBeenApplied() {
        TopologyState ts = new TopologyState(r, PARTITIONS);
        ts.apply(table(3, p));
        ConcurrentLinkedQueue<CompletableFuture<byte[]>> script = new ConcurrentLinkedQueue<>();
        ScriptedMessenger messenger = messenger(r, List.of(p, r));
        messenger.script((to, bytes) -> script.remove());
        OperationInvoker invoker = new OperationInvoker(messenger, ts, null, scheduler, 4_000, () -> true, TimeSource.SYSTEM);

        script.add(CompletableFuture.completedFuture(OpResponse.status(Status.UNAVAILABLE, 3).encode()));
        assertThat(refusal(invoker).mayHaveBeenApplied()).as("clean refusal").isFalse();

        script.add(CompletableFuture.completedFuture(OpResponse.appliedThenRefused(Status.UNAVAILABLE, 3, "lost quorum").encode()));
        assertThat(refusal(invoker).mayHaveBeenApplied()).as("refused after applying").isTrue();

        // an attempt that may have been sent (the primary became unreachable before replying): not retried
        script.add(CompletableFuture.failedFuture(new MemberUnreachableException(p, "left the view before replying")));
        assertThat(refusal(invoker).mayHaveBeenApplied()).as("an attempt that may have been applied").isTrue();
        assertThat(script).isEmpty();

        // an attempt applied by a primary whose replica rejected it as stale, then a clean refusal
        script.add(CompletableFuture.completedFuture(OpResponse.appliedThenRefused(Status.WRONG_OWNER, 3, "stale").encode()));
        script.add(CompletableFuture.completedFuture(OpResponse.status(Status.UNAVAILABLE, 3).encode()));
        assertThat(refusal(invoker).mayHaveBeenApplied()).as("an earlier attempt was applied").isTrue();
        assertThat(script).isEmpty();
    }

    /**
     * Issue 16: a CONSISTENT write whose primary became unreachable before answering may have been applied there and
     * copied to the backup promoted now; retried there it could land a second time, after later writes. It fails as
     * outcome unknown after one request; an AVAILABLE write is retried as before.
     */
    @Test
    void invokerRetriesNoConsistentWriteWhosePrimaryBecameUnreachable() {
        TopologyState ts = new TopologyState(r, PARTITIONS);
        ts.apply(table(3, p));
        ConcurrentLinkedQueue<CompletableFuture<byte[]>> script = new ConcurrentLinkedQueue<>();
        AtomicInteger requests = new AtomicInteger();
        ScriptedMessenger messenger = messenger(r, List.of(p, r));
        messenger.script((to, bytes) -> {
            requests.incrementAndGet();
            return script.remove();
        });
        OperationInvoker invoker = new OperationInvoker(messenger, ts, null, scheduler, 4_000, () -> true, TimeSource.SYSTEM);
        CompletableFuture<byte[]> unreachable = CompletableFuture.failedFuture(new MemberUnreachableException(p, "left the view"));
        byte[] ok = OpResponse.status(Status.OK, 3).encode();

        script.add(unreachable);
        script.add(CompletableFuture.completedFuture(ok));
        assertThat(refusal(invoker).mayHaveBeenApplied()).isTrue();
        assertThat(requests.get()).as("requests for the CONSISTENT write").isEqualTo(1);

        script.clear();
        requests.set(0);
        script.add(unreachable);
        script.add(CompletableFuture.completedFuture(ok));
        assertThat(invoker.invoke("m", ONE_BACKUP, 0, OpCode.SET, bytes("k"), bytes("v"), null, 0).join().status())
                .isEqualTo(Status.OK);
        assertThat(requests.get()).as("requests for the AVAILABLE write").isEqualTo(2);
    }

    // ------------------------------------------------------------------------------------------- helpers

    // ------------------------------------------------------------------------------------------- (e) handover fences

    @Test
    void newPrimaryServesOnlyOnceItsLivePredecessorConfirmedItStopped() {
        TopologyState ts = new TopologyState(q, PARTITIONS);
        ScriptedMessenger messenger = messenger(q, List.of(p, q, r));
        List<ReplicationMessages.Fence> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<byte[]> confirmation = new CompletableFuture<>();
        messenger.script((to, bytes) -> {
            asked.add(Messages.decode(bytes, ReplicationMessages.Fence.class));
            return confirmation;
        });
        HandoverFences fences = new HandoverFences(ts, messenger, scheduler, 1_000);
        ts.addListener(fences::onTable);
        LocalStorage storage = new LocalStorage(PARTITIONS);
        PrimaryOperations ops = primaryOps(ts, storage, messenger, new QuorumTracker());
        ts.apply(table(3, p, q));
        ts.apply(table(4, q, p)); // Q takes over every partition from P, which is alive

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> !asked.isEmpty());
        assertThat(asked.get(0).tableVersion()).isEqualTo(4);
        assertThat(asked.get(0).partitions()).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(ts.isHeldBack(ts.table(), 0)).isTrue();
        assertThat(ops.execute(set(q, 4, NO_BACKUP, "k", "early", Long.MAX_VALUE), false).join().status())
                .as("no write before the predecessor stopped").isEqualTo(Status.RETRY);
        assertThat(value(storage, "k")).isNull();

        confirmation.complete(new ReplicationMessages.ReplicateResponse(Status.OK, 4).encode());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> ts.servesAsPrimary(ts.table(), 0));
        assertThat(ops.execute(set(q, 4, NO_BACKUP, "k", "served", Long.MAX_VALUE), false).join().status()).isEqualTo(Status.OK);
        assertThat(value(storage, "k")).isEqualTo("served");
    }

    @Test
    void aPredecessorThatLeftTheViewReleasesThePartitionsAtOnce() {
        TopologyState ts = new TopologyState(q, PARTITIONS);
        ScriptedMessenger messenger = messenger(q, List.of(p, q));
        HandoverFences fences = new HandoverFences(ts, messenger, scheduler, 1_000);
        ts.addListener(fences::onTable);
        ts.apply(table(3, p, q));
        ts.apply(table(4, q, p)); // P's fence request is never answered
        assertThat(ts.isHeldBack(ts.table(), 1)).isTrue();

        messenger.installView(List.of(q));
        fences.onView(messenger.view());
        assertThat(ts.servesAsPrimary(ts.table(), 1)).isTrue();

        ts.apply(table(5, p, q));
        ts.apply(table(6, q)); // a promotion after P crashed: nobody to wait for
        assertThat(ts.servesAsPrimary(ts.table(), 1)).isTrue();
    }

    @Test
    void fencedOldPrimaryStopsServingBeforeItHoldsTheNewTable() {
        TopologyState ts = new TopologyState(p, PARTITIONS);
        ScriptedMessenger messenger = messenger(p, List.of(p, q));
        HandoverFences fences = new HandoverFences(ts, messenger, scheduler, 1_000);
        LocalStorage storage = new LocalStorage(PARTITIONS);
        PrimaryOperations ops = primaryOps(ts, storage, messenger, new QuorumTracker());
        ts.apply(table(3, p));
        assertThat(ops.execute(set(p, 3, NO_BACKUP, "k", "v1", Long.MAX_VALUE), false).join().status()).isEqualTo(Status.OK);

        long readStarted = ts.optimisticRead();
        ReplicationMessages.ReplicateResponse confirmed = Messages.decode(fences.onFence(new ReplicationMessages.Fence(4, new int[] {0, 1, 2, 3})),
                ReplicationMessages.ReplicateResponse.class);
        assertThat(confirmed.status()).isEqualTo(Status.OK);
        assertThat(ts.validate(readStarted)).as("a read racing the fence must be redone").isFalse();

        ClientOp get = new ClientOp(3, "m", NO_BACKUP, 0, OpCode.GET, bytes("k"), null, null, 0, Long.MAX_VALUE, q);
        assertThat(ops.execute(get, true).join().status()).as("P still holds table 3 but was fenced at 4").isEqualTo(Status.RETRY);
        assertThat(ops.execute(set(p, 3, NO_BACKUP, "k", "v2", Long.MAX_VALUE), false).join().status()).isNotEqualTo(Status.OK);
        assertThat(value(storage, "k")).isEqualTo("v1");

        ts.apply(table(7, p)); // P becomes primary again in a later table: the old fence no longer applies
        assertThat(ops.execute(get, false).join().status()).isEqualTo(Status.OK);
    }

    // ------------------------------------------------------------------------------------------- (f) uncommitted writes

    @Test
    void primaryAnswersFromAWriteOnlyOnceItsBackupHoldsIt() throws Exception {
        TopologyState ts = new TopologyState(p, PARTITIONS);
        ts.apply(table(3, p, q));
        ScriptedMessenger messenger = messenger(p, List.of(p, q));
        CompletableFuture<byte[]> copyToQ = new CompletableFuture<>();
        messenger.script((to, bytes) -> copyToQ);
        LocalStorage storage = new LocalStorage(PARTITIONS);
        PrimaryOperations ops = primaryOps(ts, storage, messenger, new QuorumTracker(), 5_000);

        CompletableFuture<OpResponse> write = ops.execute(set(p, 3, ONE_BACKUP, "k", "v1", Long.MAX_VALUE), false);
        assertThat(value(storage, "k")).as("applied here, its copy on the way to Q").isEqualTo("v1");
        CompletableFuture<OpResponse> remoteRead = ops.execute(op(OpCode.GET, "k", null), true);
        CompletableFuture<OpResponse> localRead = ops.execute(op(OpCode.CONTAINS, "k", null), false);
        CompletableFuture<OpResponse> putIfAbsent = ops.execute(op(OpCode.PUT_IF_ABSENT, "k", "other"), false);
        assertThat(List.of(write, remoteRead, localRead, putIfAbsent)).as("nothing answered from an uncommitted write")
                .noneMatch(CompletableFuture::isDone);

        copyToQ.complete(new ReplicationMessages.ReplicateResponse(Status.OK, 3).encode());
        assertThat(write.get(5, TimeUnit.SECONDS).status()).isEqualTo(Status.OK);
        OpResponse got = remoteRead.get(5, TimeUnit.SECONDS);
        assertThat(got.status()).isEqualTo(Status.OK);
        assertThat(new String(got.value(), StandardCharsets.UTF_8)).isEqualTo("v1");
        assertThat(localRead.get(5, TimeUnit.SECONDS).flag()).as("contains").isTrue();
        OpResponse notPut = putIfAbsent.get(5, TimeUnit.SECONDS);
        assertThat(new String(notPut.value(), StandardCharsets.UTF_8)).as("putIfAbsent's previous value").isEqualTo("v1");
        assertThat(storage.get("m").partition(0).uncommitted().size()).isZero();
        assertThat(ops.execute(op(OpCode.GET, "k", null), true).isDone()).as("a committed write is served at once").isTrue();
    }

    @Test
    void writeWhoseCopyWasRejectedIsNeverServed_andFencesThePrimaryUpToTheReplicasTable() throws Exception {
        TopologyState ts = new TopologyState(p, PARTITIONS);
        ts.apply(table(3, p, q));
        ScriptedMessenger messenger = messenger(p, List.of(p, q));
        ConcurrentLinkedQueue<CompletableFuture<byte[]>> copies = new ConcurrentLinkedQueue<>();
        copies.add(CompletableFuture.completedFuture(new ReplicationMessages.ReplicateResponse(Status.OK, 3).encode()));
        CompletableFuture<byte[]> rejected = new CompletableFuture<>();
        copies.add(rejected);
        messenger.script((to, bytes) -> copies.remove());
        LocalStorage storage = new LocalStorage(PARTITIONS);
        PrimaryOperations ops = primaryOps(ts, storage, messenger, new QuorumTracker(), 5_000);
        assertThat(ops.execute(set(p, 3, ONE_BACKUP, "k", "v0", Long.MAX_VALUE), false).join().status()).isEqualTo(Status.OK);

        // Q already holds table 4, in which it took the partition over: it rejects the copy of v1
        CompletableFuture<OpResponse> write = ops.execute(set(p, 3, ONE_BACKUP, "k", "v1", Long.MAX_VALUE), false);
        CompletableFuture<OpResponse> read = ops.execute(op(OpCode.GET, "k", null), true);
        CompletableFuture<OpResponse> removal = ops.execute(op(OpCode.DELETE, "other", null), false);
        assertThat(read).isNotDone();
        rejected.complete(new ReplicationMessages.ReplicateResponse(Status.REJECTED, 4).encode());

        OpResponse w = write.get(5, TimeUnit.SECONDS);
        assertThat(w.status()).isEqualTo(Status.WRONG_OWNER);
        assertThat(w.mayHaveBeenApplied()).isTrue();
        assertThat(read.get(5, TimeUnit.SECONDS).status()).as("the waiting read goes to the new primary").isEqualTo(Status.RETRY);
        assertThat(removal.get(5, TimeUnit.SECONDS).status()).as("a no-op removal of an absent key").isEqualTo(Status.OK);
        assertThat(value(storage, "k")).as("the rejected value is still in this member's store").isEqualTo("v1");
        assertThat(ts.servesAsPrimary(ts.table(), 0)).as("fenced until it holds table 4").isFalse();
        assertThat(ops.execute(op(OpCode.GET, "k", null), true).join().status()).isEqualTo(Status.RETRY);
        assertThat(ops.execute(op(OpCode.GET, "k", null), false).join().status()).isEqualTo(Status.RETRY);

        ts.apply(table(4, q, p)); // the table Q rejected with: P is a backup now
        assertThat(ops.execute(op(OpCode.GET, "k", null), false).join().status()).isEqualTo(Status.WRONG_OWNER);
    }

    private GridUnavailableException refusal(OperationInvoker invoker) {
        CompletableFuture<OpResponse> f = invoker.invoke("m", CONSISTENT, 0, OpCode.SET, bytes("k"), bytes("v"), null, 0)
                .orTimeout(10, TimeUnit.SECONDS); // a retry the script did not plan for fails the test, never hangs it
        assertThatThrownBy(f::join).isInstanceOf(CompletionException.class).hasCauseInstanceOf(GridUnavailableException.class);
        return (GridUnavailableException) f.handle((ok, e) -> e instanceof CompletionException ? e.getCause() : e).join();
    }

    private PrimaryOperations primaryOps(TopologyState ts, LocalStorage storage, Messenger messenger, QuorumTracker quorum) {
        return primaryOps(ts, storage, messenger, quorum, 2_000);
    }

    private PrimaryOperations primaryOps(TopologyState ts, LocalStorage storage, Messenger messenger, QuorumTracker quorum,
                                         long timeoutMillis) {
        PartitionWriter writer = new PartitionWriter(ts, new HybridClock(System::currentTimeMillis), quorum, new ChangeObservers(),
                new InvalidationPublisher(messenger, PARTITIONS, scheduler)::changed,
                new Replicator(messenger, scheduler, timeoutMillis, TimeSource.SYSTEM));
        return new PrimaryOperations(ts, storage, writer, quorum, new LoadLeases(ts, storage),
                new dev.tessera.grid.core.serialization.KryoCodec(java.util.List.of()), java.util.Map.of(), (map, p) -> { },
                StoreWrapper.NONE);
    }

    /** Every partition owned by {@code owners} in that order. */
    private static PartitionTable table(long version, MemberId... owners) {
        MemberId[][] rows = new MemberId[PARTITIONS][];
        for (int i = 0; i < PARTITIONS; i++) {
            rows[i] = owners.clone();
        }
        return new PartitionTable(version, rows, null);
    }

    /** A single-key operation on map "m" (one backup) routed by Q with table 3. */
    private static ClientOp op(OpCode code, String key, String value) {
        return new ClientOp(3, "m", ONE_BACKUP, 0, code, bytes(key), value == null ? null : bytes(value), null, 0, Long.MAX_VALUE,
                null);
    }

    private static Replicate replicate(long tableVersion, String key, String value, long version) {
        return new Replicate(tableVersion, "m", ONE_BACKUP, 0,
                List.of(new ReplicaEntry(bytes(key), bytes(value), version, System.currentTimeMillis() << 16)));
    }

    private ClientOp set(long tableVersion, MapConfig config, String key, String value, long deadlineMillis) {
        return set(q, tableVersion, config, key, value, deadlineMillis);
    }

    private static ClientOp set(MemberId origin, long tableVersion, MapConfig config, String key, String value, long deadlineMillis) {
        return new ClientOp(tableVersion, "m", config, 0, OpCode.SET, bytes(key), bytes(value), null, 0, deadlineMillis, origin);
    }

    private static String value(LocalStorage storage, String key) {
        if (storage.get("m") == null) {
            return null;
        }
        Record rec = storage.get("m").partition(0).getLive(Bytes.wrap(bytes(key)));
        return rec == null ? null : new String(rec.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static MemberId named(String name) {
        UUID a = UUID.randomUUID();
        org.jgroups.util.NameCache.add(a, name);
        return MemberId.of(a);
    }

    /** A messenger of {@code self} in a view of {@code members} whose requests stay unanswered until a test scripts them. */
    private static ScriptedMessenger messenger(MemberId self, List<MemberId> members) {
        return new ScriptedMessenger(self, members, (to, request) -> new CompletableFuture<>());
    }
}
