package dev.tessera.grid.core.nearcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridIntrospection.NearCacheStats;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The near cache: serves repeated remote reads locally, and never keeps serving a changed value. */
class NearCacheTest {
    private static final Logger log = LoggerFactory.getLogger(NearCacheTest.class);
    /** The bound this test holds the near cache to: a committed change reaches every reader within it. */
    private static final Duration VISIBILITY_BOUND = Duration.ofSeconds(1);
    private static final MapConfig NEAR = MapConfig.builder().nearCache(NearCacheConfig.of(10_000)).build();

    @Test
    void repeatedReadOfRemoteKey_isServedLocally_withoutAMessage() {
        try (TestCluster cluster = TestCluster.start(3)) {
            TesseraGrid reader = cluster.member(0);
            GridMap<String, String> map = reader.map("near", NEAR);
            List<String> remote = remoteKeys(map, reader, 50);
            remote.forEach(k -> map.put(k, "v-" + k));
            // The primaries' invalidations of those puts arrive in batches and may evict what the first
            // reads cached: read until the cache holds every key, then measure a pass over them.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                remote.forEach(map::get);
                return reader.introspection().nearCacheStats().get("near").entries() == remote.size();
            });
            long sent = reader.messagesSent();
            remote.forEach(k -> assertThat(map.get(k)).isEqualTo("v-" + k));
            assertThat(reader.messagesSent()).as("messages for cached reads").isEqualTo(sent);
            NearCacheStats stats = reader.introspection().nearCacheStats().get("near");
            assertThat(stats.hits()).isGreaterThanOrEqualTo(50);
            assertThat(stats.entries()).isEqualTo(50);
        }
    }

    @Test
    void changeByAnyMember_isSeenByEveryReader_withinTheBound() {
        try (TestCluster cluster = TestCluster.start(3)) {
            List<GridMap<String, Integer>> maps = cluster.members().stream().map(g -> g.<String, Integer>map("bound", NEAR)).toList();
            List<String> keys = IntStream.range(0, 30).mapToObj(i -> "k" + i).toList();
            keys.forEach(k -> maps.get(0).put(k, 0));
            long worstNanos = 0;
            for (int round = 1; round <= 20; round++) {
                for (GridMap<String, Integer> m : maps) {
                    keys.forEach(m::get); // every member caches every remote key
                }
                GridMap<String, Integer> writer = maps.get(round % maps.size());
                String key = keys.get(round % keys.size());
                writer.put(key, round);
                long committed = System.nanoTime();
                int expected = round;
                for (GridMap<String, Integer> m : maps) {
                    await().atMost(VISIBILITY_BOUND).pollInterval(Duration.ofMillis(1)).until(() -> m.get(key) == expected);
                }
                worstNanos = Math.max(worstNanos, System.nanoTime() - committed);
            }
            log.info("near cache: slowest reader saw a committed change after {} µs (bound {} ms)", worstNanos / 1000,
                    VISIBILITY_BOUND.toMillis());
        }
    }

    @Test
    void readersRacingWriters_endWithTheLastValue() throws Exception {
        try (TestCluster cluster = TestCluster.start(3)) {
            GridMap<String, Integer> writer = cluster.member(1).map("race", NEAR);
            GridMap<String, Integer> reader = cluster.member(0).map("race", NEAR);
            List<String> keys = remoteKeys(reader, cluster.member(0), 5);
            keys.forEach(k -> writer.put(k, 0));
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Thread th = new Thread(() -> {
                    while (running.get()) {
                        keys.forEach(reader::get);
                    }
                });
                th.start();
                readers.add(th);
            }
            for (int i = 1; i <= 300; i++) {
                writer.put(keys.get(i % keys.size()), i);
            }
            running.set(false);
            for (Thread th : readers) {
                th.join();
            }
            for (String k : keys) {
                Integer last = writer.get(k);
                await().atMost(VISIBILITY_BOUND).until(() -> last.equals(reader.get(k)));
            }
        }
    }

    @Test
    void primaryChange_dropsThePartitionsCachedEntries() {
        try (TestCluster cluster = TestCluster.start(3)) {
            TesseraGrid readerGrid = cluster.member(0);
            GridMap<String, String> reader = readerGrid.map("moves", NEAR);
            TesseraGrid owner = cluster.member(2);
            List<String> keys = IntStream.range(0, 2000).mapToObj(i -> "k" + i)
                    .filter(k -> reader.ownerOf(k).equals(owner.localMember())).limit(20).toList();
            keys.forEach(k -> reader.put(k, "old"));
            // the puts' own invalidations arrive a few ms later and may drop what the first reads cached: read again
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                keys.forEach(reader::get);
                assertThat(readerGrid.introspection().nearCacheStats().get("moves").entries()).isEqualTo(20);
            });
            cluster.crash(2);
            cluster.awaitStable();
            assertThat(readerGrid.introspection().nearCacheStats().get("moves").entries())
                    .as("entries of partitions whose primary changed").isZero();
            keys.forEach(k -> assertThat(reader.get(k)).isEqualTo("old"));
        }
    }

    private static List<String> remoteKeys(GridMap<String, ?> map, TesseraGrid self, int n) {
        return IntStream.range(0, 10_000).mapToObj(i -> "key-" + i)
                .filter(k -> !map.ownerOf(k).equals(self.localMember())).limit(n).toList();
    }
}
