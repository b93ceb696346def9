package dev.tessera.grid.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridIntrospection.StopSafety;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code introspection().stopSafety()}: stopping must not leave a partition with fewer replicas than its maps ask for. */
class StopSafetyTest {

    @Test
    void stableClusterWithOneBackupIsSafeToStopAndMapWithMoreBackupsRaisesTheRequirement() {
        try (TestCluster cluster = TestCluster.start(3)) {
            GridMap<String, String> one = cluster.member(0).map("one-backup");
            for (int i = 0; i < 300; i++) {
                one.put("k" + i, "v" + i);
            }
            for (TesseraGrid g : cluster.members()) {
                StopSafety s = g.introspection().stopSafety();
                assertThat(s.reasons()).isEmpty();
                assertThat(s.safe()).isTrue();
                assertThat(s.requiredReplicas()).isEqualTo(2);
                assertThat(s.members()).isEqualTo(3);
                assertThat(s.partitionsBelowReplicas()).isZero();
                assertThat(s.migratingPartitions()).isZero();
            }

            // a second map with two backups shares the partitions: each now needs 3 replicas, and 2 members cannot
            GridMap<String, String> two = cluster.member(1).map("two-backups", MapConfig.builder().backups(2).build());
            for (int i = 0; i < 300; i++) {
                two.put("k" + i, "v" + i);
            }
            for (TesseraGrid g : cluster.members()) {
                StopSafety s = g.introspection().stopSafety();
                assertThat(s.safe()).isFalse();
                assertThat(s.requiredReplicas()).isEqualTo(3);
                assertThat(s.partitionsBelowReplicas()).isZero(); // 3 members hold 3 replicas now
                assertThat(s.reasons()).singleElement().asString().contains("2 members cannot hold 3 replicas");
            }
        }
    }

    @Test
    void lastTwoMembersWithOneBackupAreNotSafeToStop() {
        try (TestCluster cluster = TestCluster.start(2)) {
            cluster.member(0).map("m").put("k", "v");
            StopSafety s = cluster.member(1).introspection().stopSafety();
            assertThat(s.safe()).isFalse();
            assertThat(s.requiredReplicas()).isEqualTo(2);
            assertThat(s.reasons()).singleElement().asString().contains("1 member cannot hold 2 replicas");
        }
    }

    @Test
    void aMemberThatHoldsNoMapHasNothingToLose() {
        try (TestCluster cluster = TestCluster.start(1)) {
            StopSafety s = cluster.member(0).introspection().stopSafety();
            assertThat(s.safe()).isTrue();
            assertThat(s.requiredReplicas()).isZero();
            cluster.member(0).map("m").put("k", "v");
            StopSafety withData = cluster.member(0).introspection().stopSafety();
            assertThat(withData.safe()).isFalse(); // the last copy of everything
            assertThat(withData.reasons()).singleElement().asString().contains("0 members cannot hold 2 replicas");
        }
    }

    @Test
    void afterACrashItIsUnsafeUntilRedundancyIsRebuiltThenSafeAgain() {
        try (TestCluster cluster = TestCluster.start(4)) {
            GridMap<Integer, Integer> map = cluster.member(0).map("data");
            for (int i = 0; i < 2_000; i++) {
                map.put(i, i);
            }
            assertThat(cluster.member(0).introspection().stopSafety().safe()).isTrue();
            cluster.crash(3);
            // the survivors either still see the dead member in their view or rebuild its replicas: not safe until stable
            cluster.awaitStable();
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.member(0).introspection().stopSafety().safe());
            StopSafety s = cluster.member(0).introspection().stopSafety();
            assertThat(s.members()).isEqualTo(3);
            assertThat(s.partitionsBelowReplicas()).isZero();
            assertThat(cluster.copyCounts("data")).containsExactly(2_000L, 2_000L);
        }
    }

    @Test
    void aClosedMemberIsNotAsked() {
        try (TestCluster cluster = TestCluster.start(1)) {
            TesseraGrid g = cluster.member(0);
            var introspection = g.introspection();
            g.close();
            assertThatThrownBy(introspection::stopSafety).isInstanceOf(IllegalStateException.class);
        }
    }
}
