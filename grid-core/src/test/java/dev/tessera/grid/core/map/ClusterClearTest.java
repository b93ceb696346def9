package dev.tessera.grid.core.map;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code clear()} in one request per member ({@link ClusterClear}): every primary and backup copy goes, also
 * of partitions that move while it runs, and a map emptied so is empty to every member.
 */
class ClusterClearTest {
    private static final int KEYS = 6_000;

    @Test
    void clear_onThreeMembers_removesEveryCopy() {
        try (TestCluster cluster = TestCluster.start(3)) {
            GridMap<String, byte[]> map = fill(cluster.member(0));
            assertThat(cluster.copyCounts("cleared")).containsExactly((long) KEYS, (long) KEYS);

            map.clear();

            assertThat(cluster.copyCounts("cleared")).as("[primary, backup] copies left").containsExactly(0L, 0L);
            for (TesseraGrid g : cluster.members()) {
                GridMap<String, byte[]> m = g.map("cleared");
                assertThat(m.size()).isZero();
                assertThat(m.get("key-1")).isNull();
                assertThat(m.entrySet()).isEmpty();
            }
        }
    }

    @Test
    void clear_whileAMemberJoins_leavesNothing() {
        try (TestCluster cluster = TestCluster.start(3)) {
            GridMap<String, byte[]> map = fill(cluster.member(0));
            CompletableFuture<TesseraGrid> joining = CompletableFuture.supplyAsync(cluster::addMember);

            map.clear();
            joining.join();
            cluster.awaitStable();

            assertThat(map.size()).isZero();
            assertThat(cluster.copyCounts("cleared")).as("[primary, backup] copies left").containsExactly(0L, 0L);
        }
    }

    private static GridMap<String, byte[]> fill(TesseraGrid g) {
        GridMap<String, byte[]> map = g.map("cleared", MapConfig.builder().backups(1).build());
        Map<String, byte[]> all = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            all.put("key-" + i, new byte[50]);
        }
        map.putAll(all);
        assertThat(map.size()).isEqualTo(KEYS);
        assertThat(List.copyOf(map.keySet())).hasSize(KEYS);
        return map;
    }
}
