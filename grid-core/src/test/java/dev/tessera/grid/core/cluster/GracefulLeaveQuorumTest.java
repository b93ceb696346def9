package dev.tessera.grid.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * CONSISTENT maps after graceful leaves: a member that stopped gracefully handed its partitions over and is no
 * longer part of the majority the survivors need. Found by the in-process explorer (seed 7: a coordinator leave,
 * then a restart of one of the two members left): the survivor kept the departed member in its last stable
 * membership, held 1 of 2, and refused every read and write of CONSISTENT maps for good.
 */
class GracefulLeaveQuorumTest {
    private static final MapConfig CONSISTENT = MapConfig.builder().backups(1).splitBrainMode(SplitBrainMode.CONSISTENT).build();

    @Test
    void scalingDownGracefullyToOneMember_keepsConsistentMapsAvailable() {
        try (TestCluster cluster = TestCluster.start(3)) {
            GridMap<String, String> map = cluster.member(0).map("cp", CONSISTENT);
            for (int i = 0; i < 100; i++) {
                map.put("k" + i, "v" + i);
            }
            cluster.leave(2);
            cluster.awaitStable();
            cluster.leave(1);
            cluster.awaitStable();
            TesseraGrid last = cluster.member(0);
            GridMap<String, String> onLast = last.map("cp", CONSISTENT);
            await("the last member serves its CONSISTENT map").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> "v7".equals(onLast.get("k7")));
            for (int i = 0; i < 100; i++) {
                assertThat(onLast.get("k" + i)).as("k%d after two graceful leaves", i).isEqualTo("v" + i);
            }
            onLast.put("k0", "after");
            assertThat(onLast.get("k0")).isEqualTo("after");

            // and a restarted member (a new incarnation) joins it: both serve
            TesseraGrid joined = cluster.addMember();
            cluster.awaitStable();
            assertThat(joined.<String, String>map("cp", CONSISTENT).get("k0")).isEqualTo("after");
            joined.<String, String>map("cp", CONSISTENT).put("k1", "joined");
            assertThat(onLast.get("k1")).isEqualTo("joined");
        }
    }
}
