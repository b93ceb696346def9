package dev.tessera.grid.core.expiry;

import static dev.tessera.grid.core.expiry.ExpiryTest.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.EvictionConfig;
import dev.tessera.grid.EvictionPolicy;
import dev.tessera.grid.GridIntrospection.MapStats;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Eviction: the per-member bound holds after writing far more than it, evictions are counted, and LRU/LFU hit ratios. */
class EvictionTest {
    private static final Logger log = LoggerFactory.getLogger(EvictionTest.class);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void entryBound_holdsOnEveryMember_afterWritingTenTimesTheBound() {
        try (TestCluster cluster = TestCluster.start(3)) {
            int bound = 500;
            MapConfig config = MapConfig.builder().backups(1).eviction(EvictionConfig.maxEntries(EvictionPolicy.LRU, bound)).build();
            GridMap<Integer, String> map = cluster.member(0).map("bounded", config);
            int written = 10 * bound * cluster.size();
            writeAll(map, written, 16);
            // Each member has far more than `bound` keys written to its partitions: it ends exactly at the bound.
            await().atMost(WAIT).until(() -> cluster.members().stream().allMatch(g -> primaryEntries(g, "bounded") == bound));
            long held = (long) bound * cluster.size();
            assertThat(sum(cluster, "bounded", MapStats::evictions)).isEqualTo(written - held);
            assertThat(map.size()).isEqualTo(held);
            // The primaries removed the evicted entries' backup copies too.
            await().atMost(WAIT).until(() -> cluster.copyCounts("bounded").equals(List.of(held, held)));
        }
    }

    @Test
    void byteBound_holdsOnEveryMember() {
        try (TestCluster cluster = TestCluster.start(2)) {
            long bound = 256 * 1024;
            MapConfig config = MapConfig.builder().eviction(EvictionConfig.maxBytes(EvictionPolicy.LFU, bound)).build();
            GridMap<Integer, String> map = cluster.member(0).map("bytes", config);
            writeAll(map, 10_000, 200); // ~ 300 bytes of heap each: ~3 MB written, ~12x the cluster's bound
            await().atMost(WAIT).until(() -> cluster.members().stream()
                    .allMatch(g -> g.introspection().localMapStats().get("bytes").heapCostBytes() <= bound));
            for (TesseraGrid g : cluster.members()) {
                MapStats s = g.introspection().localMapStats().get("bytes");
                long entryCost = s.heapCostBytes() / s.primaryEntries();
                assertThat(s.heapCostBytes()).as("within one entry of the bound").isGreaterThan(bound - entryCost);
            }
            long held = cluster.copyCounts("bytes").get(0);
            assertThat(sum(cluster, "bytes", MapStats::evictions)).isEqualTo(10_000 - held);
        }
    }

    /**
     * Zipf-distributed reads (s = 1.0 over 10,000 keys) through a map bounded to 1,000 entries, a miss
     * loading the value: the hit ratio of each policy, against an ideal cache of the 1,000 hottest keys.
     */
    @Test
    void zipfWorkload_hitRatios_ofLruAndLfu() {
        try (TestCluster cluster = TestCluster.start(1)) {
            int keys = 10_000;
            int bound = 1_000;
            double[] cdf = zipfCdf(keys, 1.0);
            double ideal = cdf[bound - 1];
            Map<EvictionPolicy, Double> ratios = new HashMap<>();
            for (EvictionPolicy policy : EvictionPolicy.values()) {
                MapConfig config = MapConfig.builder().backups(0).eviction(EvictionConfig.maxEntries(policy, bound)).build();
                GridMap<Integer, Integer> map = cluster.member(0).map("zipf-" + policy, config);
                SplittableRandom random = new SplittableRandom(42);
                run(map, cdf, random, 50_000); // warm up
                double ratio = run(map, cdf, random, 200_000);
                ratios.put(policy, ratio);
                MapStats s = cluster.member(0).introspection().localMapStats().get("zipf-" + policy);
                assertThat(s.primaryEntries()).isLessThanOrEqualTo(bound);
                assertThat(s.evictions()).isPositive();
            }
            log.info("Zipf s=1.0, 10,000 keys, bound 1,000: hit ratio LRU {}, LFU {}, ideal {}", ratios.get(EvictionPolicy.LRU),
                    ratios.get(EvictionPolicy.LFU), ideal);
            assertThat(ideal).isBetween(0.75, 0.77);
            assertThat(ratios.get(EvictionPolicy.LRU)).isBetween(0.60, ideal);
            assertThat(ratios.get(EvictionPolicy.LFU)).isBetween(ratios.get(EvictionPolicy.LRU) + 0.02, ideal);
        }
    }

    /** Reads {@code ops} Zipf keys, loading (set) on a miss; returns the hit ratio. */
    private static double run(GridMap<Integer, Integer> map, double[] cdf, SplittableRandom random, int ops) {
        int hits = 0;
        for (int i = 0; i < ops; i++) {
            int key = sample(cdf, random.nextDouble());
            if (map.get(key) != null) {
                hits++;
            } else {
                map.set(key, key);
            }
        }
        return (double) hits / ops;
    }

    private static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += 1 / Math.pow(i + 1, s);
            cdf[i] = total;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= total;
        }
        return cdf;
    }

    private static int sample(double[] cdf, double u) {
        int i = java.util.Arrays.binarySearch(cdf, u);
        return i >= 0 ? i : Math.min(cdf.length - 1, -i - 1);
    }

    private static void writeAll(GridMap<Integer, String> map, int n, int valueLength) {
        String value = "x".repeat(valueLength);
        for (int from = 0; from < n; from += 500) {
            Map<Integer, String> batch = new HashMap<>();
            for (int i = from; i < Math.min(n, from + 500); i++) {
                batch.put(i, value);
            }
            map.putAll(batch);
        }
    }

    private static long primaryEntries(TesseraGrid g, String map) {
        MapStats s = g.introspection().localMapStats().get(map);
        return s == null ? 0 : s.primaryEntries();
    }
}
