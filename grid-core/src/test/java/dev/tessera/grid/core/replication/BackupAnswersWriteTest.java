package dev.tessera.grid.core.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A single write sent to a remote primary is answered by the partition's only synchronous backup once it
 * applied the copy (three hops instead of four), with the primary's result; never by an asynchronous
 * backup, and never where the answer depends on more than one replica or on the quorum after the copy.
 */
class BackupAnswersWriteTest {
    private static final int KEYS = 300;

    @Test
    void aWriteToARemotePrimaryIsAnsweredByItsBackup_withThePrimarysResult() {
        try (TestCluster cluster = TestCluster.start(3)) {
            cluster.awaitStable();
            TesseraGrid caller = cluster.member(0);
            GridMap<String, String> map = caller.map("fwd", MapConfig.builder().backups(1).build());
            List<String> remote = IntStream.range(0, KEYS).mapToObj(i -> "k" + i).filter(k -> !primaryIsLocal(caller, map, k)).toList();
            assertThat(remote).hasSizeGreaterThan(KEYS / 2);
            long before = caller.channel().forwardedRepliesReceived();

            remote.forEach(k -> assertThat(map.put(k, "a-" + k)).isNull());
            List<String> previous = remote.stream().map(k -> map.put(k, "b-" + k)).toList();

            assertThat(caller.channel().forwardedRepliesReceived() - before)
                    .as("every write to a remote primary answered by its backup").isEqualTo(2L * remote.size());
            assertThat(previous).as("the primary's result travels with the copy")
                    .isEqualTo(remote.stream().map(k -> "a-" + k).toList());
            assertThat(cluster.copyCounts("fwd")).as("primary and backup copies").containsExactly((long) remote.size(),
                    (long) remote.size());
            GridMap<String, String> elsewhere = cluster.member(2).map("fwd", MapConfig.builder().backups(1).build());
            assertThat(remote.stream().filter(k -> !("b-" + k).equals(elsewhere.get(k))).count()).isZero();
        }
    }

    @Test
    void asynchronousBackups_twoSyncBackups_andConsistentMaps_areAnsweredByThePrimary() {
        try (TestCluster cluster = TestCluster.start(4)) {
            cluster.awaitStable();
            TesseraGrid caller = cluster.member(0);
            List<MapConfig> configs = List.of(
                    MapConfig.builder().backups(0).asyncBackups(1).build(),
                    MapConfig.builder().backups(2).build(),
                    MapConfig.builder().backups(1).splitBrainMode(SplitBrainMode.CONSISTENT).build());
            long before = caller.channel().forwardedRepliesReceived();
            for (int c = 0; c < configs.size(); c++) {
                GridMap<String, String> map = caller.map("primary-answers-" + c, configs.get(c));
                IntStream.range(0, KEYS).forEach(i -> map.set("k" + i, "v" + i));
                assertThat(IntStream.range(0, KEYS).filter(i -> ("v" + i).equals(map.get("k" + i))).count()).isEqualTo(KEYS);
            }
            assertThat(caller.channel().forwardedRepliesReceived() - before)
                    .as("an async backup must not answer before the write is durable; two backups, or a quorum, need the primary")
                    .isZero();
        }
    }

    private static boolean primaryIsLocal(TesseraGrid grid, GridMap<String, String> map, String key) {
        return grid.localMember().equals(grid.introspection().partitionTable().partitions().get(map.partitionOf(key)).primary());
    }
}
