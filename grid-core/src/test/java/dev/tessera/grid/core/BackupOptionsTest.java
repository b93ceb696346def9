package dev.tessera.grid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.Transport;
import dev.tessera.grid.testkit.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The backup options of a map, and a cluster over real TCP on loopback. */
class BackupOptionsTest {

    @Test
    void twoBackups_survivesTwoSimultaneousCrashes() {
        try (TestCluster cluster = TestCluster.start(5)) {
            GridMap<String, String> map = cluster.member(0).map("two", MapConfig.builder().backups(2).build());
            IntStream.range(0, 2_000).forEach(i -> map.set("k" + i, "v" + i));
            cluster.crash(4);
            cluster.crash(3);
            cluster.awaitStable();
            GridMap<String, String> reader = cluster.member(2).map("two", MapConfig.builder().backups(2).build());
            long lost = IntStream.range(0, 2_000).filter(i -> !("v" + i).equals(reader.get("k" + i))).count();
            assertThat(lost).isZero();
            assertThat(cluster.copyCounts("two")).as("primary and backup copies after rebuild").containsExactly(2_000L, 4_000L);
        }
    }

    @Test
    void asyncBackups_reachTheBackupWithoutBeingWaitedFor() {
        try (TestCluster cluster = TestCluster.start(3)) {
            MapConfig async = MapConfig.builder().backups(0).asyncBackups(1).build();
            GridMap<String, String> map = cluster.member(0).map("async", async);
            IntStream.range(0, 1_000).forEach(i -> map.set("k" + i, "v" + i));
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.copyCounts("async").equals(List.of(1_000L, 1_000L)));
        }
    }

    @Test
    void readFromBackup_servesBackupCopiesLocally() {
        try (TestCluster cluster = TestCluster.start(3)) {
            MapConfig config = MapConfig.builder().backups(2).readFromBackup(true).build();
            TesseraGrid grid = cluster.member(1);
            GridMap<String, String> map = grid.map("rfb", config);
            IntStream.range(0, 300).forEach(i -> map.set("k" + i, "v" + i));
            long before = grid.messagesSent();
            for (int i = 0; i < 300; i++) {
                assertThat(map.get("k" + i)).isEqualTo("v" + i); // 3 members, 2 backups: every key has a local copy
            }
            assertThat(grid.messagesSent() - before).isZero();
        }
    }

    @Test
    void tcpOnLoopback_withFolderDiscovery_formsOneCluster(@org.junit.jupiter.api.io.TempDir Path folder) throws Exception {
        Path discovery = Files.createDirectories(folder.resolve("discovery"));
        try (Grid a = Grid.builder().clusterName("tcp-test").memberName("a").transport(Transport.tcp(0).withDiscoveryFolder(discovery)).start();
             Grid b = Grid.builder().clusterName("tcp-test").memberName("b").transport(Transport.tcp(0).withDiscoveryFolder(discovery)).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> a.members().size() == 2 && b.members().size() == 2);
            GridMap<String, String> ma = a.map("m");
            IntStream.range(0, 200).forEach(i -> ma.put("k" + i, "v" + i));
            GridMap<String, String> mb = b.map("m");
            assertThat(IntStream.range(0, 200).filter(i -> ("v" + i).equals(mb.get("k" + i))).count()).isEqualTo(200);
            assertThat(a.localMember().address()).startsWith("a");
        }
    }
}
