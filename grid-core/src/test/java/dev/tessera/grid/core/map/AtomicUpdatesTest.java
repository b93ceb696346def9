package dev.tessera.grid.core.map;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.testkit.GridInvariantsExtension;
import dev.tessera.grid.testkit.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Read-modify-write operations stay atomic when callers on different members race on one key. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(GridInvariantsExtension.class) // the grid's invariants after every test, on the class's shared cluster(s)
class AtomicUpdatesTest {
    private static final int THREADS_PER_MEMBER = 4;
    private static final int INCREMENTS_PER_THREAD = 100;
    private TestCluster cluster;
    private ExecutorService pool;

    @BeforeAll
    void start() {
        cluster = TestCluster.start(3);
        pool = Executors.newFixedThreadPool(3 * THREADS_PER_MEMBER);
    }

    @AfterAll
    void stop() {
        pool.shutdownNow();
        cluster.close();
    }

    @Test
    void merge_from3MembersX4Threads_countsEveryIncrement() throws Exception {
        runOnEveryMember("merge", map -> map.merge("counter", 1L, Long::sum));
        assertThat(cluster.member(1).<String, Long>map("merge").get("counter")).isEqualTo(expectedTotal());
    }

    @Test
    void compute_from3MembersX4Threads_countsEveryIncrement() throws Exception {
        runOnEveryMember("compute", map -> map.compute("counter", (k, v) -> v == null ? 1L : v + 1));
        assertThat(cluster.member(2).<String, Long>map("compute").get("counter")).isEqualTo(expectedTotal());
    }

    @Test
    void replaceLoop_from3MembersX4Threads_countsEveryIncrement() throws Exception {
        cluster.member(0).<String, Long>map("cas").put("counter", 0L);
        runOnEveryMember("cas", map -> {
            while (true) {
                Long v = map.get("counter");
                if (map.replace("counter", v, v + 1)) {
                    return;
                }
            }
        });
        assertThat(cluster.member(0).<String, Long>map("cas").get("counter")).isEqualTo(expectedTotal());
    }

    @Test
    void putIfAbsent_race_hasExactlyOneWinner() throws Exception {
        List<Future<String>> results = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            GridMap<String, String> map = cluster.member(m).map("pia");
            for (int t = 0; t < THREADS_PER_MEMBER; t++) {
                String me = "m" + m + "t" + t;
                results.add(pool.submit(() -> map.putIfAbsent("once", me) == null ? me : null));
            }
        }
        List<String> winners = new ArrayList<>();
        for (Future<String> f : results) {
            if (f.get() != null) {
                winners.add(f.get());
            }
        }
        assertThat(winners).hasSize(1);
        assertThat(cluster.member(1).<String, String>map("pia").get("once")).isEqualTo(winners.get(0));
    }

    private long expectedTotal() {
        return 3L * THREADS_PER_MEMBER * INCREMENTS_PER_THREAD;
    }

    private void runOnEveryMember(String mapName, java.util.function.Consumer<GridMap<String, Long>> increment) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            GridMap<String, Long> map = cluster.member(m).map(mapName);
            for (int t = 0; t < THREADS_PER_MEMBER; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
                        increment.accept(map);
                    }
                }));
            }
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }
}
