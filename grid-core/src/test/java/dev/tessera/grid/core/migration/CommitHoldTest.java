package dev.tessera.grid.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.testkit.TestCluster;
import dev.tessera.grid.core.wire.TopologyMessages.TransferDone;
import dev.tessera.grid.membership.MemberId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CommitHold}: while held, a crash's rebuild copies but commits nothing, so the partitions that lost a replica
 * stay counted as under-replicated (the metric an alert watches) for as long as the hold lasts, not for the fraction
 * of a second the copies take; released, the same copies commit and redundancy is rebuilt.
 */
class CommitHoldTest {

    @Test
    void heldNotices_waitForRelease_thenGoOutInOrder() {
        List<TransferDone> sent = new ArrayList<>();
        CommitHold hold = new CommitHold(sent::add);
        TransferDone a = new TransferDone(5, 1, List.of(), 5);
        TransferDone b = new TransferDone(5, 2, List.of(), 5);

        hold.accept(a);
        assertThat(sent).containsExactly(a);
        hold.hold();
        hold.accept(b);
        hold.accept(a);
        assertThat(sent).containsExactly(a);
        assertThat(hold.heldCount()).isEqualTo(2);

        assertThat(hold.release()).isEqualTo(2);
        assertThat(sent).containsExactly(a, b, a);
        assertThat(hold.holding()).isFalse();
        hold.accept(b);
        assertThat(sent).containsExactly(a, b, a, b);
    }

    @Test
    void afterACrash_heldCommitsKeepThePartitionsUnderReplicated_untilReleased() {
        try (TestCluster cluster = TestCluster.start(3)) {
            GridMap<String, String> map = cluster.member(0).map("held");
            for (int i = 0; i < 1_000; i++) {
                map.put("k" + i, "v" + i);
            }
            cluster.awaitStable();
            PartitionTable before = cluster.member(0).topology().table();
            MemberId victim = cluster.member(2).topology().self();
            int lostAReplica = 0;
            for (int p = 0; p < before.partitionCount(); p++) {
                int slot = before.owners(p).indexOf(victim);
                if (slot >= 0 && slot < 2) { // a primary or the one backup of a map with backups(1); the table lists more
                    lostAReplica++;
                }
            }
            cluster.members().forEach(g -> g.commitHold().hold());

            cluster.crash(2);
            List<TesseraGrid> survivors = cluster.members();
            // every copy the rebuild needs is done and its notice held: without the hold, the next table would commit it
            await("the rebuild's copies done and held").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> survivors.stream().allMatch(g -> g.members().size() == 2 && g.transfers().activeTransfers() == 0)
                            && survivors.stream().mapToInt(g -> g.commitHold().heldCount()).sum()
                                    == survivors.get(0).topology().table().migratingCount()
                            && survivors.get(0).topology().table().migratingCount() > 0);
            for (TesseraGrid g : survivors) {
                assertThat(g.introspection().underReplicatedPartitions()).as("under-replicated on %s while held", g.localMember().name())
                        .isEqualTo(lostAReplica).isGreaterThan(before.partitionCount() / 2);
            }

            survivors.forEach(g -> g.commitHold().release());
            cluster.awaitStable();
            for (TesseraGrid g : survivors) {
                assertThat(g.introspection().underReplicatedPartitions()).as("under-replicated on %s after release", g.localMember().name())
                        .isZero();
            }
            for (int i = 0; i < 1_000; i++) {
                assertThat(survivors.get(1).<String, String>map("held").get("k" + i)).isEqualTo("v" + i);
            }
        }
    }
}
