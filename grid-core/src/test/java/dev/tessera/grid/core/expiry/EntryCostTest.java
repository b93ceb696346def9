package dev.tessera.grid.core.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.EvictionConfig;
import dev.tessera.grid.GridIntrospection.MapStats;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MapStats.heapCostBytes (store/EntryCost) against the heap growth the JVM reports for 100,000
 * entries on one member, within {@link #TOLERANCE} (±25%).
 */
class EntryCostTest {
    private static final Logger log = LoggerFactory.getLogger(EntryCostTest.class);
    private static final double TOLERANCE = 0.25;
    private static final int ENTRIES = 100_000;

    @ParameterizedTest(name = "tracked={0}")
    @ValueSource(booleans = {false, true})
    void heapCostEstimate_matchesMeasuredHeapGrowth(boolean tracked) {
        try (TestCluster cluster = TestCluster.start(1)) {
            TesseraGrid member = cluster.member(0);
            MapConfig config = tracked
                    ? MapConfig.builder().eviction(EvictionConfig.maxEntries(10 * ENTRIES)).build() // tracked, never evicts here
                    : MapConfig.defaults();
            GridMap<String, String> map = member.map("cost", config);
            map.put("warm-up", "x");
            map.remove("warm-up");
            long before = usedHeapAfterGc();
            for (int from = 0; from < ENTRIES; from += 1_000) {
                Map<String, String> batch = new HashMap<>();
                for (int i = from; i < from + 1_000; i++) {
                    batch.put("key-" + i, "value-" + i + "-".repeat(i % 64)); // values of 12..80 characters
                }
                map.putAll(batch);
            }
            long grown = usedHeapAfterGc() - before;
            MapStats s = member.introspection().localMapStats().get("cost");
            assertThat(s.primaryEntries()).isEqualTo(ENTRIES);
            log.info("tracked={}: heapCostBytes {} vs measured heap growth {} ({} vs {} bytes per entry)", tracked,
                    s.heapCostBytes(), grown, s.heapCostBytes() / ENTRIES, grown / ENTRIES);
            assertThat((double) s.heapCostBytes()).as("estimate vs measured growth of %d bytes", grown)
                    .isBetween(grown * (1 - TOLERANCE), grown * (1 + TOLERANCE));
        }
    }

    /** Used heap after collections settle: repeated until two readings agree within 1%. */
    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(used - last) < last / 100) {
                return used;
            }
            last = used;
        }
        return last;
    }
}
