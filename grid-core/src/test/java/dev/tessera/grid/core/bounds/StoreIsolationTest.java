package dev.tessera.grid.core.bounds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.MapStore;
import dev.tessera.grid.MapStoreConfig;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each MapStore has its own threads: a store whose loads hang delays no other store's maps. */
class StoreIsolationTest {

    @ParameterizedTest(name = "{0} member(s)")
    @ValueSource(ints = {1, 3})
    void hungStoreOnMapA_twentyLoadsOnMapB_completeOnTime(int members) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger hungLoads = new AtomicInteger();
        MapStore<String, String> hung = new Loader(key -> {
            hungLoads.incrementAndGet();
            try {
                release.await(); // a database that never answers
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        MapStore<String, String> quick = new Loader(key -> "row-" + key);
        try (TestCluster cluster = TestCluster.start(members, b -> b.mapStore("hung", hung).mapStore("quick", quick)
                .operationTimeout(Duration.ofSeconds(5)))) {
            GridMap<String, String> a = cluster.member(0).map("a", MapConfig.builder().mapStore(MapStoreConfig.writeThrough("hung")).build());
            GridMap<String, String> b = cluster.member(0).map("b", MapConfig.builder().mapStore(MapStoreConfig.writeThrough("quick")).build());
            List<CompletableFuture<String>> stuck = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                stuck.add(a.getAsync("a-" + i)); // enough distinct keys to occupy every store thread of a shared pool
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> hungLoads.get() >= Math.min(4, members * 4));
            try {
                long start = System.nanoTime();
                List<CompletableFuture<String>> loads = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    loads.add(b.getAsync("b-" + i));
                }
                for (int i = 0; i < 20; i++) {
                    assertThat(loads.get(i).get(2, TimeUnit.SECONDS)).isEqualTo("row-b-" + i);
                }
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                System.out.printf("%d member(s): 20 loads on map b took %d ms while map a's store hung%n", members, millis);
                assertThat(stuck).allMatch(f -> !f.isDone() || f.isCompletedExceptionally());
            } finally {
                release.countDown();
            }
        }
    }

    /** A store that only loads. */
    private record Loader(java.util.function.Function<String, String> load) implements MapStore<String, String> {
        @Override
        public String load(String key) {
            return load.apply(key);
        }

        @Override
        public void store(String key, String value) {}

        @Override
        public void delete(String key) {}
    }
}
