package dev.tessera.grid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.GridUnavailableException;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.MergePolicy;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A 3|2 split of five members, then the heal, for each split-brain mode. */
class SplitBrainTest {
    private static final Logger log = LoggerFactory.getLogger(SplitBrainTest.class);
    private static final MapConfig CONSISTENT = MapConfig.builder().backups(1).splitBrainMode(SplitBrainMode.CONSISTENT).build();
    private static final MapConfig AVAILABLE = MapConfig.builder().backups(1).splitBrainMode(SplitBrainMode.AVAILABLE).build();

    @Test
    void consistentMap_minorityRefusesWrites_andNoAcknowledgedWriteIsLostAfterHeal() {
        try (TestCluster cluster = TestCluster.start(5)) {
            GridMap<String, String> majority = cluster.member(0).map("cp", CONSISTENT);
            GridMap<String, String> minority = cluster.member(4).map("cp", CONSISTENT);
            for (int i = 0; i < 500; i++) {
                majority.put("before-" + i, "v" + i);
            }
            cluster.awaitStable();
            split(cluster);

            long splitAt = System.nanoTime();
            await("minority refuses writes").atMost(Duration.ofSeconds(30)).ignoreException(GridUnavailableException.class)
                    .untilAsserted(() -> assertThatThrownBy(() -> minority.put("minority-probe", "x"))
                            .isInstanceOf(GridUnavailableException.class).hasMessageContaining("CONSISTENT"));
            log.info("minority refused writes {} ms after the split", (System.nanoTime() - splitAt) / 1_000_000);
            await("majority owns every partition again").atMost(Duration.ofSeconds(30))
                    .until(() -> cluster.member(0).members().size() == 3);
            Map<String, String> acked = new TreeMap<>();
            for (int i = 0; i < 300; i++) {
                majority.put("during-" + i, "v" + i);
                acked.put("during-" + i, "v" + i);
            }
            int refused = 0;
            for (int i = 0; i < 20; i++) {
                try {
                    minority.put("refused-" + i, "x");
                } catch (GridUnavailableException e) {
                    refused++;
                }
            }
            assertThat(refused).isEqualTo(20);

            heal(cluster);
            cluster.awaitStable();
            GridMap<String, String> reader = cluster.member(4).map("cp", CONSISTENT);
            for (int i = 0; i < 500; i++) {
                assertThat(reader.get("before-" + i)).isEqualTo("v" + i);
            }
            acked.forEach((k, v) -> assertThat(reader.get(k)).as(k).isEqualTo(v));
            assertThat(reader.get("refused-0")).isNull();
            reader.put("after-heal", "ok");
            assertThat(cluster.member(1).<String, String>map("cp", CONSISTENT).get("after-heal")).isEqualTo("ok");
        }
    }

    @Test
    void availableMap_bothSidesServe_andLatestUpdateWinsAfterHeal() {
        try (TestCluster cluster = TestCluster.start(5)) {
            GridMap<String, String> left = cluster.member(0).map("ap", AVAILABLE);
            GridMap<String, String> right = cluster.member(4).map("ap", AVAILABLE);
            left.put("shared", "before");
            cluster.awaitStable();
            String rightOnly = keyOwnedOnlyBy(cluster, left, 3, 4);
            left.put(rightOnly, "before");
            split(cluster);
            await("both sides see their own view").atMost(Duration.ofSeconds(30))
                    .until(() -> cluster.member(0).members().size() == 3 && cluster.member(4).members().size() == 2);

            await("the minority side serves writes").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .untilAsserted(() -> right.put("right-probe", "ok"));
            // Each member has its own hybrid clock: writes on two members within the same millisecond
            // are concurrent. The side writes between them make the right side's write clearly later.
            left.put("shared", "left-write");
            for (int i = 0; i < 200; i++) {
                left.put("left-" + i, "L" + i);
                right.put("right-" + i, "R" + i);
            }
            right.put("shared", "right-write-later");
            right.remove(rightOnly);

            heal(cluster);
            cluster.awaitStable();
            for (int m = 0; m < 5; m++) {
                GridMap<String, String> reader = cluster.member(m).map("ap", AVAILABLE);
                assertThat(reader.get("left-7")).isEqualTo("L7");
                assertThat(reader.get("right-7")).isEqualTo("R7");
                assertThat(reader.get("shared")).isEqualTo("right-write-later");
                assertThat(reader.get(rightOnly)).as("deleted on the side that held it").isNull();
            }
            GridMap<String, String> reader = cluster.member(2).map("ap", AVAILABLE);
            int missing = 0;
            for (int i = 0; i < 200; i++) {
                missing += reader.get("left-" + i) == null ? 1 : 0;
                missing += reader.get("right-" + i) == null ? 1 : 0;
            }
            assertThat(missing).as("writes of either side missing after the merge").isZero();
            assertThat(reader.size()).as("shared + right-probe + 400 side keys").isEqualTo(402);
        }
    }

    @Test
    void registeredMergePolicy_decidesEachKeyAfterHeal() {
        MergePolicy largest = (key, existing, merging) -> {
            int a = existing.value() == null ? Integer.MIN_VALUE : (Integer) existing.value();
            int b = merging.value() == null ? Integer.MIN_VALUE : (Integer) merging.value();
            return b > a ? merging : existing;
        };
        MapConfig config = MapConfig.builder().backups(1).mergePolicy("largest").build();
        try (TestCluster cluster = TestCluster.start(5, b -> b.mergePolicy("largest", largest))) {
            GridMap<String, Integer> left = cluster.member(0).map("policy", config);
            GridMap<String, Integer> right = cluster.member(4).map("policy", config);
            left.put("n", 1);
            cluster.awaitStable();
            split(cluster);
            await("both sides see their own view").atMost(Duration.ofSeconds(30))
                    .until(() -> cluster.member(0).members().size() == 3 && cluster.member(4).members().size() == 2);
            await("the minority side serves writes").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .untilAsserted(() -> right.put("probe", 0));
            left.put("n", 9);              // larger, written first on the winning side
            right.put("n", 5);             // smaller, written later on the losing side: latest-update would keep it
            right.put("right-only", 7);

            heal(cluster);
            cluster.awaitStable();
            GridMap<String, Integer> reader = cluster.member(2).map("policy", config);
            assertThat(reader.get("n")).as("the policy's choice, not the latest update").isEqualTo(9);
            assertThat(reader.get("right-only")).isEqualTo(7);
        }
    }

    /** A key whose data replicas (primary and one backup: slots 0 and 1) sit on the given members. */
    private static String keyOwnedOnlyBy(TestCluster cluster, GridMap<String, String> map, int... members) {
        java.util.Set<dev.tessera.grid.membership.MemberId> allowed = new java.util.HashSet<>();
        for (int m : members) {
            allowed.add(cluster.member(m).topology().self());
        }
        var table = cluster.member(0).topology().table();
        for (int i = 0; ; i++) {
            String key = "right-only-" + i;
            if (allowed.containsAll(table.owners(map.partitionOf(key)).subList(0, 2))) {
                return key;
            }
        }
    }

    private static void split(TestCluster cluster) {
        cluster.split(Set.of(0, 1, 2), Set.of(3, 4));
    }

    private static void heal(TestCluster cluster) {
        cluster.heal();
        await("one view again").atMost(Duration.ofSeconds(60))
                .until(() -> cluster.members().stream().allMatch(g -> g.members().size() == 5));
    }
}
