package dev.tessera.grid.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.core.partition.OwnershipAssigner;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.wire.MessageType;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.core.wire.TopologyMessages.MergeOutDone;
import dev.tessera.grid.core.wire.TopologyMessages.TableMessage;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberId;
import dev.tessera.grid.membership.MemberInfo;
import java.time.Duration;
import dev.tessera.grid.testkit.ScriptedMessenger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The soak finding of seed 147814183421866994, round 1 (chaos-tests/README.md): six members, SIGSTOP of m3 past
 * failure detection, then of the coordinator m1. The first merge settled without a losing side (m3 still named
 * everyone as its side), so m1 kept the side of the view that had dropped m3. When m1 came back from its own
 * pause, it named {m1, m2, m4, m5, m6} while the others named {m2, m3, m4, m5, m6}: a tie of five, which m1 won as
 * the oldest member. m3 was sent away to rejoin empty, and since no table named the winners only, the merge
 * restarted from an empty table ("5 members keep table lineage 0"): 5,912 of the bulk map's 20,000 entries
 * disappeared and the table ended stable with backups short of their primaries. This drives m1's coordinator
 * through the same views, with the other members' answers as they gave them.
 */
class PausedCoordinatorMergeTest {
    private static final int PARTITIONS = 24;

    private final MemberId m1 = MemberId.random();
    private final MemberId m2 = MemberId.random();
    private final MemberId m3 = MemberId.random();
    private final MemberId m4 = MemberId.random();
    private final MemberId m5 = MemberId.random();
    private final MemberId m6 = MemberId.random();
    private final List<MemberId> all = List.of(m1, m2, m3, m5, m4, m6);
    private final OwnershipAssigner assigner = new OwnershipAssigner(7);
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final TopologyState topology = new TopologyState(m1, PARTITIONS);
    /** What each other member answers a table query with. */
    private final Map<MemberId, TableMessage> answers = new ConcurrentHashMap<>();
    private final List<MemberId> mergedOut = new CopyOnWriteArrayList<>();
    private volatile ClusterView view;
    /** The other members as m1's coordinator reaches them: table queries answered from {@link #answers}. */
    private final ScriptedMessenger peers = new ScriptedMessenger(m1, () -> view, this::answer);
    private final Coordinator coordinator = new Coordinator(peers, topology, assigner, executor, merged -> {
        mergedOut.add(m1);
        return CompletableFuture.completedFuture(0L);
    }, new RejectionCounter());

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aCoordinatorBackFromAPause_doesNotSendAwayMembersOfTheSideThatWentOnWithoutIt() {
        // view 6: six members, m1 takes over from the table they all hold
        PartitionTable start = new PartitionTable(10, assigner.assign(new MemberId[PARTITIONS][], all, Map.of()), null);
        answerAll(start, all);
        deliver(view(6, false, all));
        await().atMost(Duration.ofSeconds(10)).until(() -> topology.table().version() > start.version());

        // view 7: m3 paused past failure detection; m1 drops it
        List<MemberId> withoutM3 = List.of(m1, m2, m5, m4, m6);
        long beforeM3Left = topology.table().version();
        deliver(view(7, false, withoutM3));
        await().atMost(Duration.ofSeconds(10)).until(() -> topology.table().version() > beforeM3Left);
        PartitionTable afterM3Left = topology.table();

        // view 8: m3 resumes and merges back, still naming everyone as its side
        answerAll(afterM3Left, withoutM3);
        answers.put(m3, new TableMessage(MessageType.TABLE_RESPONSE, start, all));
        long beforeMerge = topology.table().version();
        deliver(view(8, true, all));
        await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.isActive() && topology.table().version() > beforeMerge);
        mergedOut.clear();

        // view 9 (m1 paused, sees nothing of it): the others drop m1, m2 coordinates and commits a table without it
        List<MemberId> withoutM1 = List.of(m2, m3, m5, m4, m6);
        PartitionTable promoted = Coordinator.withoutDeparted(topology.table().withVersion(topology.table().version() + 16), Set.of(m1));
        MemberId[][] owners = assigner.assign(promoted.ownersArray(), withoutM1, Map.of());
        PartitionTable othersTable = new PartitionTable(promoted.version() + 5, owners, null);
        answerAll(othersTable, withoutM1);

        // view 10: m1 resumes; the merged view names it first again
        deliver(view(10, true, all));
        await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.isActive() && topology.table().version() > othersTable.version());

        PartitionTable merged = topology.table();
        int partitionsMoved = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            if (!merged.owners(p).equals(othersTable.owners(p))) {
                partitionsMoved++;
            }
        }
        assertThat(mergedOut).as("members sent away to rejoin empty: only m1, the one that was paused").containsOnly(m1);
        assertThat(partitionsMoved).as("partitions whose owners the merge changed (the others' table holds the data)").isZero();
        assertThat(merged.members()).as("m1 rejoins as a migration target").contains(m1);
    }

    @Test
    void aClaimThatItsMembersContradict_losesEvenWhenLarger() {
        MemberId m7 = MemberId.random();
        List<MemberId> order = List.of(m1, m2, m3, m5, m4, m6, m7);
        PartitionTable t = PartitionTable.initial(PARTITIONS);
        Map<MemberId, TableMessage> reports = new LinkedHashMap<>();
        // m1 was paused while m7 joined the others: it still names the six it last saw
        reports.put(m1, new TableMessage(MessageType.TABLE_RESPONSE, t, all));
        for (MemberId a : List.of(m2, m3, m5, m4, m6, m7)) {
            reports.put(a, new TableMessage(MessageType.TABLE_RESPONSE, t, List.of(m2, m3, m5, m4, m6, m7)));
        }
        assertThat(Coordinator.winningSide(order, reports)).containsExactlyInAnyOrder(m2, m3, m5, m4, m6, m7);

        // a genuine split: sides that nobody contradicts, the larger one wins
        reports.clear();
        for (MemberId a : List.of(m1, m2)) {
            reports.put(a, new TableMessage(MessageType.TABLE_RESPONSE, t, List.of(m1, m2)));
        }
        for (MemberId a : List.of(m3, m5, m4)) {
            reports.put(a, new TableMessage(MessageType.TABLE_RESPONSE, t, List.of(m3, m5, m4)));
        }
        assertThat(Coordinator.winningSide(List.of(m1, m2, m3, m5, m4), reports)).containsExactlyInAnyOrder(m3, m5, m4);
    }

    @Test
    void winnersWhoseTablesStillNameALoser_goOnFromTheNewestOfThem_notFromAnEmptyTable() {
        PartitionTable older = new PartitionTable(20, assigner.assign(new MemberId[PARTITIONS][], List.of(m1, m2, m3), Map.of()), null);
        PartitionTable newer = older.withVersion(30);
        Map<MemberId, TableMessage> reports = new LinkedHashMap<>();
        reports.put(m1, new TableMessage(MessageType.TABLE_RESPONSE, PartitionTable.initial(PARTITIONS).withVersion(90), List.of(m1)));
        reports.put(m2, new TableMessage(MessageType.TABLE_RESPONSE, older, List.of(m2, m3)));
        reports.put(m3, new TableMessage(MessageType.TABLE_RESPONSE, newer, List.of(m2, m3)));
        assertThat(Coordinator.winningTable(reports, Set.of(m2, m3)).version())
                .as("the winners' newest table (m1 is then cut out of it), not the loser's nor an empty one").isEqualTo(30);
    }

    private void answerAll(PartitionTable table, List<MemberId> side) {
        for (MemberId a : side) {
            answers.put(a, new TableMessage(MessageType.TABLE_RESPONSE, table, side));
        }
    }

    private void deliver(ClusterView v) {
        view = v;
        coordinator.onView(v);
    }

    private static ClusterView view(long id, boolean merge, List<MemberId> members) {
        return new ClusterView(id, members.stream().map(a -> new MemberInfo(a, a.toString(), null)).toList(), merge);
    }

    private CompletableFuture<byte[]> answer(MemberId to, byte[] message) {
        return switch (Messages.typeOf(message)) {
            case TABLE_QUERY -> CompletableFuture.completedFuture(answers.get(to).encode());
            case MERGE_OUT -> {
                mergedOut.add(to);
                yield CompletableFuture.completedFuture(new MergeOutDone(0).encode());
            }
            default -> throw new AssertionError("unexpected request " + Messages.typeOf(message) + " to " + to);
        };
    }
}
