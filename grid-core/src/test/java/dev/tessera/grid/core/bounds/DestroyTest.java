package dev.tessera.grid.core.bounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.Heap;
import dev.tessera.grid.testkit.TestCluster;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GridMap.destroy(): the map's entries and state go on every member; the name can be used again. */
class DestroyTest {

    @Test
    void destroy_removesEntriesOnEveryReplica_oldHandlesFailClearly_newHandleIsEmpty() {
        MapConfig config = MapConfig.builder().backups(2).nearCache(NearCacheConfig.of(100)).build();
        try (TestCluster cluster = TestCluster.start(3)) {
            GridMap<String, String> onFirst = cluster.member(0).map("doomed", config);
            GridMap<String, String> onSecond = cluster.member(1).map("doomed", config);
            Map<String, String> entries = new HashMap<>();
            for (int i = 0; i < 1_000; i++) {
                entries.put("k" + i, "v" + i);
            }
            onFirst.putAll(entries);
            assertThat(onSecond.get("k1")).isEqualTo("v1"); // fills member 1's near cache
            assertThat(cluster.copyCounts("doomed")).containsExactly(1_000L, 2_000L);

            onFirst.destroy();

            for (TesseraGrid m : cluster.members()) {
                assertThat(m.storage().get("doomed")).as("map on %s", m.localMember().name()).isNull();
                assertThat(m.introspection().nearCacheStats()).doesNotContainKey("doomed");
            }
            for (GridMap<String, String> old : java.util.List.of(onFirst, onSecond)) {
                assertThatThrownBy(() -> old.get("k1"))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("was destroyed").hasMessageContaining("grid.map(\"doomed\")");
                assertThatThrownBy(() -> old.put("k1", "again")).isInstanceOf(IllegalStateException.class);
            }
            GridMap<String, String> fresh = cluster.member(1).map("doomed", config);
            assertThat(fresh.get("k1")).isNull();
            assertThat(fresh.size()).isZero();
            fresh.put("k1", "new");
            assertThat(cluster.member(2).<String, String>map("doomed", config).get("k1")).isEqualTo("new");
        }
    }

    @Test
    void tenThousandMapsCreatedWrittenAndDestroyed_leaveTheHeapWhereItWas_andNeverHitTheLimit() {
        // a limit of 100 maps: without destroy freeing every member's slot the 101st map would be refused
        try (TestCluster cluster = TestCluster.start(1, b -> b.maxMaps(100))) {
            TesseraGrid m = cluster.member(0);
            churn(m, 200); // warm-up: classes, pools, caches
            long before = Heap.usedAfterGc();
            churn(m, 10_000);
            long after = Heap.usedAfterGc();
            System.out.printf("10,000 maps created, written (10 entries) and destroyed: heap %+d bytes%n", after - before);
            assertThat(m.storage().size()).isZero();
            assertThat(after - before).as("heap growth after 10,000 destroyed maps").isLessThan(4L << 20);
        }
    }

    @Test
    void destroyOnThreeMembers_freesTheSlotOnEveryMember() {
        try (TestCluster cluster = TestCluster.start(3, b -> b.maxMaps(3))) {
            for (int i = 0; i < 30; i++) {
                GridMap<String, Integer> map = cluster.member(i % 3).map("round-" + i);
                for (int k = 0; k < 20; k++) {
                    map.put("k" + k, k);
                }
                map.destroy();
            }
            for (TesseraGrid m : cluster.members()) {
                assertThat(m.storage().size()).isZero();
            }
        }
    }

    private static void churn(TesseraGrid m, int maps) {
        for (int i = 0; i < maps; i++) {
            GridMap<String, String> map = m.map("churn-" + i);
            for (int k = 0; k < 10; k++) {
                map.set("k" + k, "value-" + k);
            }
            map.destroy();
        }
    }
}
