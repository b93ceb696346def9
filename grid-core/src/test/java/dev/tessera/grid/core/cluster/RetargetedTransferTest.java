package dev.tessera.grid.core.cluster;

import dev.tessera.grid.core.time.TimeSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.migration.StorageJanitor;
import dev.tessera.grid.core.migration.TransferManager;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.replication.ReplicaReceiver;
import dev.tessera.grid.core.replication.Replicator;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.core.wire.ReplicationMessages.Replicate;
import dev.tessera.grid.core.wire.TopologyMessages.TransferDone;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import dev.tessera.grid.testkit.ScriptedMessenger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import dev.tessera.grid.membership.MemberId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The soak finding of seed 4905211634122219676 (chaos-tests/README.md), driven table by table with the real
 * migration parts of three members (topology, storage, janitor, replica receiver; the source's transfer manager)
 * and the coordinator's commit rule. Partition 0 migrates from [A] to [A, B]; A copies it to B; then a replan
 * moves the target to [A, C] (B's janitor drops its copy) and back to [A, B]. A skipped the middle table (it was
 * busy), so without a per-target epoch it re-reports the old copy, and the coordinator, which only compares
 * target lists, commits B as backup without a single entry; the notice of the first copy, delivered late, would
 * do the same.
 */
class RetargetedTransferTest {
    private static final int PARTITIONS = 4;
    private static final int P = 0;
    private static final int ENTRIES = 100;
    private static final MapConfig CONFIG = MapConfig.builder().backups(1).build();

    private final MemberId a = MemberId.random();
    private final MemberId b = MemberId.random();
    private final MemberId c = MemberId.random();
    private final Member memberA = new Member(a);
    private final Member memberB = new Member(b);
    private final Member memberC = new Member(c);
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final List<Notice> notices = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aTargetThatAMiddleTableDropped_isCopiedAgain_beforeItCanBeCommitted() throws Exception {
        MapContainer source = memberA.storage.getOrCreate("m", CONFIG);
        for (int i = 0; i < ENTRIES; i++) {
            source.partition(P).applyIfNewer(Bytes.wrap(("k" + i).getBytes(StandardCharsets.UTF_8)), new byte[8],
                    1L << 32 | (i + 1), 1, 0, 0, 0, false);
        }
        Replicator replicator = new Replicator(wire(), executor, 5_000, TimeSource.SYSTEM);
        TransferManager transfers = new TransferManager(memberA.topology, memberA.storage, replicator,
                done -> notices.add(new Notice(done, memberB.entries())), executor);
        memberA.topology.addListener(transfers::onTable);

        PartitionTable v1 = table(1, List.of(a, b));
        applyEverywhere(v1);
        await().atMost(Duration.ofSeconds(10)).until(() -> !notices.isEmpty());
        Notice first = notices.get(0);
        assertThat(first.entriesOnB()).as("the first copy reached B").isEqualTo(ENTRIES);

        // The replan: B leaves the target and comes back, while A's transfer thread is busy (it sees only the last).
        CountDownLatch busy = new CountDownLatch(1);
        executor.execute(() -> awaitQuietly(busy));
        PartitionTable v2 = table(2, List.of(a, c));
        PartitionTable v3 = table(3, List.of(a, b));
        applyEverywhere(v2);
        assertThat(memberB.entries()).as("B dropped its copy when table 2 left it out").isZero();
        applyEverywhere(v3);
        busy.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> notices.size() > 1);
        List<Notice> committing = notices.subList(1, notices.size()).stream()
                .filter(n -> Coordinator.completesTarget(v3, n.done())).toList();
        assertThat(committing).as("a notice after table 3 commits its target").isNotEmpty();
        for (Notice n : committing) {
            assertThat(n.entriesOnB()).as("entries B held when A reported the copy to [A, B] done").isEqualTo(ENTRIES);
        }
        assertThat(Coordinator.completesTarget(v3, first.done()))
                .as("the notice of the copy B dropped since must not commit table 3's target").isFalse();
    }

    /** Partition {@link #P} owned by A and migrating to {@code target}; the others owned by A alone. */
    private PartitionTable table(long version, List<MemberId> target) {
        MemberId[][] owners = new MemberId[PARTITIONS][];
        MemberId[][] targets = new MemberId[PARTITIONS][];
        for (int p = 0; p < PARTITIONS; p++) {
            owners[p] = new MemberId[] {a};
        }
        targets[P] = target.toArray(MemberId[]::new);
        return new PartitionTable(version, owners, targets);
    }

    private void applyEverywhere(PartitionTable t) {
        for (Member m : List.of(memberA, memberB, memberC)) {
            m.topology.apply(t);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A done notice and the entries B held for the partition when A sent it. */
    private record Notice(TransferDone done, int entriesOnB) {
    }

    /** One member's storage side: what a table and a copy do to its data. */
    private static final class Member {
        final TopologyState topology;
        final LocalStorage storage = new LocalStorage(PARTITIONS);
        final ReplicaReceiver receiver;

        Member(MemberId self) {
            topology = new TopologyState(self, PARTITIONS);
            receiver = new ReplicaReceiver(topology, storage);
            topology.addListener(new StorageJanitor(storage, self)::onTable);
        }

        int entries() {
            MapContainer m = storage.get("m");
            return m == null ? 0 : m.peek(P).liveCount();
        }
    }

    /** A's messenger: a copy is applied by the addressed member's receiver, as the channel would deliver it. */
    private ScriptedMessenger wire() {
        Map<MemberId, Member> members = Map.of(a, memberA, b, memberB, c, memberC);
        ClusterView view = new ClusterView(1, List.of(new MemberInfo(a, "A", null), new MemberInfo(b, "B", null),
                new MemberInfo(c, "C", null)), false);
        return new ScriptedMessenger(a, () -> view, (to, message) -> CompletableFuture.completedFuture(
                members.get(to).receiver.apply(a, Messages.decode(message, Replicate.class)).encode()));
    }
}
