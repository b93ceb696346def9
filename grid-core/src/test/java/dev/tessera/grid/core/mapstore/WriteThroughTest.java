package dev.tessera.grid.core.mapstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridException;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.MapStoreConfig;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Write-through: a change is in the database when the call returns; a store failure changes nothing. */
class WriteThroughTest {
    private static final MapConfig THROUGH = MapConfig.builder().mapStore(MapStoreConfig.writeThrough("db")).build();

    @Test
    void afterEachWriteReturns_theRowIsInTheDatabase() {
        H2Store db = new H2Store();
        try (TestCluster cluster = TestCluster.start(3, b -> b.mapStore("db", db))) {
            GridMap<String, String> map = cluster.member(0).map("wt", THROUGH);
            for (int i = 0; i < 100; i++) {
                map.put("k" + i, "v" + i);
                assertThat(db.row("k" + i)).isEqualTo("v" + i);
            }
            assertThat(db.stores.get()).as("one store call per put").isEqualTo(100);
            for (int i = 0; i < 100; i += 10) {
                assertThat(map.remove("k" + i)).isEqualTo("v" + i);
                assertThat(db.row("k" + i)).isNull();
            }
            assertThat(db.deletes.get()).isEqualTo(10);
            assertThat(map.replace("k1", "nope", "x")).isFalse();
            assertThat(map.replace("k1", "v1", "x")).isTrue();
            assertThat(db.row("k1")).isEqualTo("x");
            assertThat(map.putIfAbsent("k2", "y")).isEqualTo("v2");
            assertThat(map.remove("k3", "v3")).isTrue();
            assertThat(db.row("k3")).isNull();
            assertThat(db.stores.get()).as("only the changes were stored").isEqualTo(101);
            assertThat(db.deletes.get()).isEqualTo(11);
            assertThat(db.rows()).as("100 puts, 11 removals").hasSize(89);
            map.clear();
            assertThat(db.rows()).as("rows after clear").isEmpty();
            assertThat(db.deletes.get()).isEqualTo(11 + 89);
        }
    }

    @Test
    void concurrentWritersOfTheSameKeys_leaveTheDatabaseEqualToTheMap() throws Exception {
        H2Store db = new H2Store();
        try (TestCluster cluster = TestCluster.start(3, b -> b.mapStore("db", db))) {
            java.util.List<Thread> writers = new java.util.ArrayList<>();
            for (int w = 0; w < 6; w++) {
                GridMap<String, String> map = cluster.member(w % 3).map("wt", THROUGH);
                int writer = w;
                writers.add(new Thread(() -> {
                    for (int i = 0; i < 100; i++) {
                        String key = "k" + (i % 5);
                        if (i % 7 == 0) {
                            map.remove(key);
                        } else {
                            map.put(key, "w" + writer + "-" + i);
                        }
                    }
                }));
            }
            writers.forEach(Thread::start);
            for (Thread t : writers) {
                t.join();
            }
            GridMap<String, String> map = cluster.member(0).map("wt", THROUGH);
            for (int k = 0; k < 5; k++) {
                assertThat(db.row("k" + k)).as("k" + k + ": the store got the key's changes in the map's order")
                        .isEqualTo(map.get("k" + k));
            }
        }
    }

    @Test
    void storeFailure_leavesTheMapUnchanged_andTheCallerGetsTheError() {
        H2Store db = new H2Store();
        try (TestCluster cluster = TestCluster.start(3, b -> b.mapStore("db", db))) {
            GridMap<String, String> map = cluster.member(0).map("wt", THROUGH);
            for (int i = 0; i < 20; i++) {
                map.put("k" + i, "old");
            }
            db.failing.set(true);
            for (int i = 0; i < 20; i++) {
                String key = "k" + i;
                assertThatThrownBy(() -> map.put(key, "new")).isInstanceOf(GridException.class)
                        .hasMessageContaining("MapStore 'db'").hasMessageContaining("database unreachable (injected)");
                assertThatThrownBy(() -> map.remove(key)).isInstanceOf(GridException.class)
                        .hasMessageContaining("database unreachable (injected)");
            }
            db.failing.set(false);
            for (int m = 0; m < 3; m++) {
                GridMap<String, String> view = cluster.member(m).map("wt", THROUGH);
                for (int i = 0; i < 20; i++) {
                    assertThat(view.get("k" + i)).isEqualTo("old");
                }
            }
            assertThat(db.rows()).hasSize(20).allSatisfy((k, v) -> assertThat(v).isEqualTo("old"));
            assertThat(cluster.copyCounts("wt")).isEqualTo(java.util.List.of(20L, 20L));
        }
    }

    @Test
    void expiry_doesNotDeleteFromTheStore_andTheValueReadsThroughAgain() {
        H2Store db = new H2Store();
        MapConfig expiring = MapConfig.builder().mapStore(MapStoreConfig.writeThrough("db")).timeToLive(Duration.ofMillis(300)).build();
        try (TestCluster cluster = TestCluster.start(2, b -> b.mapStore("db", db))) {
            GridMap<String, String> map = cluster.member(0).map("ttl", expiring);
            map.put("k", "v");
            await().atMost(Duration.ofSeconds(5)).until(() -> "v".equals(map.get("k")) && db.loads.get() == 1);
            assertThat(db.deletes.get()).as("deletes caused by expiry").isZero();
            assertThat(db.row("k")).isEqualTo("v");
        }
    }
}
