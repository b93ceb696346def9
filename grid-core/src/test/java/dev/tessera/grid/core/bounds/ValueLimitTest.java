package dev.tessera.grid.core.bounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GridBuilder.maxValueBytes: a value over the limit fails on the caller before it is applied anywhere, on
 * a local and on a remote primary (a small limit stands for the 64 MiB wire limit).
 */
class ValueLimitTest {
    private static final int LIMIT = 1024;
    private static final String BIG = "x".repeat(2 * LIMIT);

    @Test
    void oneMember_oversizedPut_isRefused_andTheOldValueStays() {
        try (TestCluster cluster = TestCluster.start(1, b -> b.maxValueBytes(LIMIT))) {
            GridMap<String, String> map = cluster.member(0).map("values");
            map.put("k", "old");
            assertRefused(() -> map.put("k", BIG));
            assertRefused(() -> map.set("fresh", BIG));
            assertRefused(() -> map.putAll(Map.of("a", "small", "b", BIG)));
            assertRefused(() -> map.replace("k", "old", BIG));
            assertRefused(() -> map.merge("k", BIG, (a, b) -> b));
            assertRefused(() -> map.put(BIG, "v"));
            assertThat(map.get("k")).isEqualTo("old");
            assertThat(map.get("fresh")).isNull();
            assertThat(map.get("a")).as("nothing of a refused putAll is applied").isNull();
            assertThat(map.size()).isEqualTo(1);
        }
    }

    @Test
    void threeMembers_oversizedPutToALocalAndToARemotePrimary_isNeitherAcknowledgedNorReadable() {
        try (TestCluster cluster = TestCluster.start(3, b -> b.maxValueBytes(LIMIT))) {
            TesseraGrid caller = cluster.member(0);
            GridMap<String, String> map = caller.map("values");
            String local = keyOwnedBy(map, caller, true);
            String remote = keyOwnedBy(map, caller, false);
            map.put(local, "old");
            for (String key : new String[] {local, remote}) {
                assertRefused(() -> map.put(key, BIG));
                assertRefused(() -> map.putAsync(key, BIG).join());
            }
            for (TesseraGrid m : cluster.members()) {
                GridMap<String, String> view = m.map("values");
                assertThat(view.get(local)).isEqualTo("old");
                assertThat(view.get(remote)).isNull();
            }
            assertThat(cluster.copyCounts("values")).containsExactly(1L, 1L);
        }
    }

    private static String keyOwnedBy(GridMap<String, String> map, TesseraGrid member, boolean owned) {
        for (int i = 0; ; i++) {
            String k = "key-" + i;
            if (map.ownerOf(k).equals(member.localMember()) == owned) {
                return k;
            }
        }
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than the limit of " + LIMIT + " bytes")
                .hasMessageContaining("GridBuilder.maxValueBytes");
    }
}
