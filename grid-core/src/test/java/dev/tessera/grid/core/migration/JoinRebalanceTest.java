package dev.tessera.grid.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.testkit.TestCluster;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import dev.tessera.grid.membership.MemberId;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rebalance benchmark's shape, small: 3 members, one map with 1 backup, a 4th member joins. Only
 * changes of the data-bearing slots (0 and 1) copy data, and only to the newcomer; the reshuffled
 * tails of the other partitions commit without a copy; commits are batched into a few tables.
 */
class JoinRebalanceTest {
    private static final Logger log = LoggerFactory.getLogger(JoinRebalanceTest.class);
    private static final int ENTRIES = 20_000;

    @Test
    void join_copiesOnlyTheNewcomersDataSlots_andPublishesFewTables() {
        try (TestCluster cluster = TestCluster.start(3)) {
            GridMap<String, byte[]> map = cluster.member(0).map("bench", MapConfig.builder().backups(1).build());
            java.util.Map<String, byte[]> batch = new java.util.HashMap<>();
            for (int i = 0; i < ENTRIES; i++) {
                batch.put("key-" + i, new byte[100]);
                if (batch.size() == 1_000) {
                    map.putAll(batch);
                    batch.clear();
                }
            }
            assertThat(cluster.copyCounts("bench")).containsExactly((long) ENTRIES, (long) ENTRIES);
            PartitionTable before = cluster.member(0).topology().table();
            long copiedBefore = copied(cluster);
            long entriesBefore = entriesCopied(cluster);
            long freeBefore = withoutCopy(cluster);
            AtomicInteger tables = new AtomicInteger();
            cluster.member(0).topology().addListener((prev, next) -> tables.incrementAndGet());

            TesseraGrid newcomer = cluster.addMember();
            cluster.awaitStable();

            MemberId n = newcomer.topology().self();
            PartitionTable after = cluster.member(0).topology().table();
            int gainedDataSlots = 0;
            int tailOnly = 0;
            for (int p = 0; p < after.partitionCount(); p++) {
                List<MemberId> dataBefore = before.owners(p).subList(0, 2);
                List<MemberId> dataAfter = after.owners(p).subList(0, 2);
                for (MemberId a : dataAfter) {
                    if (!dataBefore.contains(a)) {
                        assertThat(a).as("only the newcomer enters a data slot (partition %d)", p).isEqualTo(n);
                        gainedDataSlots++;
                    }
                }
                if (dataAfter.equals(dataBefore)) {
                    tailOnly++;
                }
            }
            long copiedPartitions = copied(cluster) - copiedBefore;
            long copiedEntries = entriesCopied(cluster) - entriesBefore;
            long committedFree = withoutCopy(cluster) - freeBefore;
            GridIntrospection.MapStats received = newcomer.introspection().localMapStats().get("bench");
            log.info("join 3 -> 4: {} tables, {} partitions copied ({} entries), {} committed without a copy, "
                    + "{} with unchanged data slots; the newcomer holds {} + {} entries",
                    tables.get(), copiedPartitions, copiedEntries, committedFree, tailOnly,
                    received.primaryEntries(), received.backupEntries());

            // 271 partitions x 2 data slots / 4 members = 135.5: the newcomer's share, and nothing else
            assertThat(gainedDataSlots).isBetween(135, 136);
            assertThat(copiedPartitions).as("partitions whose data was copied").isEqualTo(gainedDataSlots);
            assertThat(copiedEntries).as("entries copied = what the newcomer holds")
                    .isEqualTo(received.primaryEntries() + received.backupEntries());
            // every partition migrated (the tails reshuffle), but those whose data slots stayed copied nothing
            assertThat(committedFree).as("migrations committed without a copy").isEqualTo(271 - gainedDataSlots);
            assertThat(tailOnly).isEqualTo(271 - gainedDataSlots);
            // one table with the targets, then batched commits: not one table per partition
            assertThat(tables.get()).as("tables published for the join").isBetween(2, 12);
            assertThat(cluster.copyCounts("bench")).containsExactly((long) ENTRIES, (long) ENTRIES);
        }
    }

    private static long copied(TestCluster cluster) {
        return cluster.members().stream().mapToLong(g -> g.transfers().partitionsCopied()).sum();
    }

    private static long entriesCopied(TestCluster cluster) {
        return cluster.members().stream().mapToLong(g -> g.transfers().entriesCopied()).sum();
    }

    private static long withoutCopy(TestCluster cluster) {
        return cluster.members().stream().mapToLong(g -> g.transfers().committedWithoutCopy()).sum();
    }
}
