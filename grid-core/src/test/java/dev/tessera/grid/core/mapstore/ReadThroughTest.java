package dev.tessera.grid.core.mapstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridLoadException;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.MapStoreConfig;
import dev.tessera.grid.Transport;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Read-through: a miss at the primary loads from the MapStore (an H2 table) once, and keeps the value. */
class ReadThroughTest {
    private static final MapConfig THROUGH = MapConfig.builder().mapStore(MapStoreConfig.writeThrough("db")).build();

    @Test
    void fiftyConcurrentMissesAcrossThreeMembers_loadEachKeyOnce() throws Exception {
        H2Store db = new H2Store();
        db.loadMillis = 100; // the misses overlap the load
        List<String> keys = List.of("a", "b", "c", "d", "e");
        keys.forEach(k -> db.insert(k, "row-" + k));
        try (TestCluster cluster = TestCluster.start(3, b -> b.mapStore("db", db))) {
            List<GridMap<String, String>> maps = cluster.members().stream().map(g -> g.<String, String>map("rt", THROUGH)).toList();
            ExecutorService callers = Executors.newFixedThreadPool(50);
            try {
                for (String key : keys) {
                    CountDownLatch go = new CountDownLatch(1);
                    List<CompletableFuture<String>> reads = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        GridMap<String, String> map = maps.get(i % 3);
                        reads.add(CompletableFuture.supplyAsync(() -> {
                            awaitQuietly(go);
                            return map.get(key);
                        }, callers));
                    }
                    go.countDown();
                    for (CompletableFuture<String> r : reads) {
                        assertThat(r.get()).isEqualTo("row-" + key);
                    }
                }
            } finally {
                callers.shutdownNow();
            }
            assertThat(db.loads.get()).as("store loads for 5 keys x 50 concurrent misses").isEqualTo(5);
            // the loaded values went through the replicated write path: the backup holds them too
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.copyCounts("rt").equals(List.of(5L, 5L)));
            keys.forEach(k -> assertThat(maps.get(1).containsKey(k)).isTrue());
            assertThat(maps.get(2).getAll(Set.copyOf(keys))).hasSize(5);
            assertThat(db.loads.get()).as("loads after the values are in the grid").isEqualTo(5);
            assertThat(db.stores.get() + db.storeAllCalls.get()).as("a load is not written back").isZero();
        }
    }

    @Test
    void missingRow_readsAsNull_andComputeSeesTheLoadedValue() {
        H2Store db = new H2Store();
        db.insert("counter", "41");
        try (TestCluster cluster = TestCluster.start(2, b -> b.mapStore("db", db))) {
            GridMap<String, String> map = cluster.member(0).map("rt", THROUGH);
            assertThat(map.get("nothing")).isNull();
            assertThat(map.compute("counter", (k, v) -> String.valueOf(Integer.parseInt(v) + 1))).isEqualTo("42");
            assertThat(db.row("counter")).isEqualTo("42");
            assertThat(map.putIfAbsent("counter", "0")).as("putIfAbsent sees the stored value").isEqualTo("42");
        }
    }

    @Test
    void storeThatThrowsOnLoad_failsTheReadWithGridLoadException_namingTheStore() {
        H2Store db = new H2Store();
        db.insert("k", "v");
        try (TestCluster cluster = TestCluster.start(2, b -> b.mapStore("db", db))) {
            db.failing.set(true);
            for (int m = 0; m < 2; m++) {
                GridMap<String, String> map = cluster.member(m).map("rt", THROUGH);
                assertThatThrownBy(() -> map.get("k")).isInstanceOf(GridLoadException.class)
                        .hasMessageContaining("MapStore 'db'").hasMessageContaining("database unreachable");
            }
            db.failing.set(false);
            assertThat(cluster.member(1).<String, String>map("rt", THROUGH).get("k")).isEqualTo("v");
        }
    }

    @Test
    void mapNamingAnUnregisteredStore_isRefused_namingIt() {
        try (Grid grid = Grid.builder().clusterName("unregistered-" + System.nanoTime()).transport(Transport.inProcess()).start()) {
            MapConfig config = MapConfig.builder().mapStore(MapStoreConfig.writeThrough("nowhere")).build();
            assertThatThrownBy(() -> grid.map("m", config)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'nowhere'").hasMessageContaining("GridBuilder.mapStore");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
