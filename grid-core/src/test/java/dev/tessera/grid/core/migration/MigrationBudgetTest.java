package dev.tessera.grid.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridConfig;
import dev.tessera.grid.GridIntrospection.MigrationProgress;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.Transport;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migration byte budget and rate limit, on a join: what a source has in flight and what a target holds never
 * exceed the budget while many times the budget moves, and a rate limit bounds how fast a source sends.
 */
class MigrationBudgetTest {
    private static final Logger log = LoggerFactory.getLogger(MigrationBudgetTest.class);
    private static final long BUDGET = GridConfig.Limits.MIN_MIGRATION_BUDGET_BYTES; // 1 MiB

    @Test
    void join_neverHasMoreThanTheBudgetInFlight_whileMovingManyTimesIt() throws InterruptedException {
        // 31 partitions of ~130 entries of 4 KB: each chunk is ~512 KB and up to 8 partitions copy to the newcomer at
        // once, so without the budget a source would have ~4 MB in flight
        try (TestCluster cluster = TestCluster.start(3, b -> b.partitionCount(31).migrationBudget(BUDGET))) {
            GridMap<Integer, byte[]> map = cluster.member(0).map("big", MapConfig.builder().backups(1).build());
            fill(map, 4_000, 4096);
            long ackedBefore = acknowledged(cluster);
            AtomicBoolean joined = new AtomicBoolean();
            AtomicLong worstProgressInFlight = new AtomicLong();
            List<MigrationProgress> seen = new ArrayList<>();
            Thread watcher = new Thread(() -> { // what an operator's dashboard would read during the join
                while (!joined.get()) {
                    MigrationProgress p = cluster.member(0).introspection().migrationProgress();
                    worstProgressInFlight.accumulateAndGet(p.bytesInFlight(), Math::max);
                    if (p.partitionsRemaining() > 0 && seen.size() < 10_000) {
                        seen.add(p);
                    }
                    Thread.onSpinWait();
                }
            });
            watcher.start();
            TesseraGrid newcomer;
            try {
                newcomer = cluster.addMember();
                cluster.awaitStable();
            } finally {
                joined.set(true);
                watcher.join();
            }
            long moved = acknowledged(cluster) - ackedBefore;
            long waits = cluster.members().stream().mapToLong(g -> g.transfers().budgetWaits()).sum();
            log.info("moved {} bytes with a budget of {}: peaks in flight {}, newcomer held {} copies (peak {} bytes), {} waits",
                    moved, BUDGET, cluster.members().stream().map(g -> g.transfers().peakInFlightBytes()).toList(),
                    newcomer.earlyCopies().heldCopies(), newcomer.earlyCopies().peakBufferedBytes(), waits);

            assertThat(moved).as("bytes migrated: several times the budget").isGreaterThan(4 * BUDGET);
            assertThat(waits).as("chunks that waited for the budget (else this test shows nothing)").isPositive();
            for (TesseraGrid g : cluster.members()) {
                assertThat(g.transfers().peakInFlightBytes()).as("peak in flight on %s", g.localMember().name())
                        .isLessThanOrEqualTo(BUDGET);
                assertThat(g.earlyCopies().peakBufferedBytes()).as("peak held on %s", g.localMember().name())
                        .isLessThanOrEqualTo(BUDGET);
            }
            assertThat(cluster.members().subList(0, 3)).as("every source copied")
                    .allSatisfy(g -> assertThat(g.transfers().peakInFlightBytes()).isPositive());
            assertThat(worstProgressInFlight.get()).isLessThanOrEqualTo(BUDGET);
            assertThat(cluster.copyCounts("big")).containsExactly(4_000L, 4_000L);

            MigrationProgress after = cluster.member(0).introspection().migrationProgress();
            assertThat(after.partitionsRemaining()).isZero();
            assertThat(after.eta()).isEqualTo(Duration.ZERO);
            assertThat(after.bytesInFlight()).isZero();
            assertThat(after.budgetBytes()).isEqualTo(BUDGET);
            assertThat(seen).as("progress seen during the join").isNotEmpty()
                    .allSatisfy(p -> assertThat(p.partitionsDone() + p.partitionsRemaining()).isPositive());
        }
    }

    @Test
    void rateLimit_boundsHowFastASourceSends() {
        long rate = 256 << 10; // 256 KiB/s
        try (TestCluster cluster = TestCluster.start(3, b -> b.migrationRateLimit(rate))) {
            GridMap<Integer, byte[]> map = cluster.member(0).map("paced", MapConfig.builder().backups(1).build());
            fill(map, 4_000, 1024);
            Map<String, Long> before = new HashMap<>();
            cluster.members().forEach(g -> before.put(g.localMember().name(), g.transfers().acknowledgedBytes()));

            long start = System.nanoTime();
            cluster.addMember();
            cluster.awaitStable();
            double seconds = (System.nanoTime() - start) / 1e9;

            long mostFromOneSource = 0;
            for (TesseraGrid g : cluster.members()) {
                long sent = g.transfers().acknowledgedBytes() - before.getOrDefault(g.localMember().name(), 0L);
                mostFromOneSource = Math.max(mostFromOneSource, sent);
            }
            // one chunk may go at once; after it, a source sends at most `rate` bytes per second
            long slack = 64 << 10;
            double bound = (mostFromOneSource - slack) / (double) rate;
            log.info("rate {} B/s: the busiest source sent {} bytes; the join took {} s (bound {} s)", rate, mostFromOneSource,
                    seconds, bound);
            assertThat(mostFromOneSource).as("bytes from the busiest source").isGreaterThan(4 * slack);
            assertThat(seconds).as("join -> stable, s").isGreaterThanOrEqualTo(bound);
            assertThat(cluster.copyCounts("paced")).containsExactly(4_000L, 4_000L);
        }
    }

    @Test
    void badSettings_areRefusedWithWhatToFix() {
        assertThatThrownBy(() -> Grid.builder().migrationBudget(1_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("migrationBudget must be at least");
        assertThatThrownBy(() -> Grid.builder().migrationRateLimit(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("migrationRateLimit must be 0");
        assertThatThrownBy(() -> Grid.builder().migrationRateLimit(100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 KiB/s");
        assertThat(Grid.builder().transport(Transport.inProcess()).migrationRateLimit(0).migrationBudget(BUDGET).build().limits().migrationBudgetBytes())
                .isEqualTo(BUDGET);
        assertThat(Grid.builder().transport(Transport.inProcess()).build().limits().migrationBudgetBytes()).isEqualTo(64L << 20);
    }

    private static void fill(GridMap<Integer, byte[]> map, int entries, int valueBytes) {
        Map<Integer, byte[]> batch = new HashMap<>();
        for (int i = 0; i < entries; i++) {
            batch.put(i, new byte[valueBytes]);
            if (batch.size() == 200) {
                map.putAll(batch);
                batch.clear();
            }
        }
        map.putAll(batch);
    }

    private static long acknowledged(TestCluster cluster) {
        return cluster.members().stream().mapToLong(g -> g.transfers().acknowledgedBytes()).sum();
    }
}
