package dev.tessera.grid.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A member's scheduler follows the time it was started with: tombstones, purged every 10 s once 60 s old, go from
 * every replica as soon as a test moves the members' time past that age, not on the next 10 s of real time.
 */
class TombstonePurgeFollowsTimeTest {
    /** Well under the purge's 10 s period: on real time, a purge falls in this window one time in five at most. */
    private static final Duration WINDOW = Duration.ofSeconds(2);

    @Test
    void tombstonesArePurgedFromEveryReplica_whenTheMembersTimeMovesPastTheirAge() {
        try (TestCluster cluster = TestCluster.start(2)) {
            MapConfig config = MapConfig.builder().backups(1).build();
            GridMap<String, Integer> map = cluster.member(0).map("purged", config);
            for (int round = 1; round <= 2; round++) { // two rounds: a lucky real-time tick passes both one time in 25
                for (int i = 0; i < 200; i++) {
                    map.set("k" + i, i);
                }
                for (int i = 0; i < 200; i++) {
                    map.delete("k" + i);
                }
                assertThat(tombstones(cluster)).as("round %d: every member holds a tombstone of each removed key", round)
                        .isEqualTo(400);
                cluster.time().advance(Duration.ofSeconds(61));
                await().atMost(WINDOW).until(() -> tombstones(cluster) == 0);
            }
        }
    }

    private static long tombstones(TestCluster cluster) {
        long n = 0;
        for (TesseraGrid member : cluster.members()) {
            MapContainer c = member.storage().get("purged");
            for (int p = 0; p < c.partitionCount(); p++) {
                n += c.peek(p).recordCount() - c.peek(p).liveCount();
            }
        }
        return n;
    }
}
