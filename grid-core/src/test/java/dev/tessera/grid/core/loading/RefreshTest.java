package dev.tessera.grid.core.loading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.LoadOptions;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.GridInvariantsExtension;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Early refresh (XFetch) and stale-while-revalidate: readers are served while exactly one caller reloads. */
@ExtendWith(GridInvariantsExtension.class) // the grid's invariants after every test, on the class's shared cluster(s)
class RefreshTest {
    private static final Logger log = LoggerFactory.getLogger(RefreshTest.class);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static TestCluster cluster;
    private static ExecutorService pool;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(3);
        pool = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
        cluster.close();
    }

    @Test
    void earlyRefreshWithBeta_reloadsBeforeExpiry_oneAtATime_andTheValueIsNeverMissing() throws Exception {
        LoadOptions xfetch = new LoadOptions(Duration.ofSeconds(1), 2.0, null);
        Loads loads = new Loads(100);
        GridMap<String, String> first = cluster.member(0).map("xfetch");
        long loadedAt = System.currentTimeMillis();
        assertThat(first.getOrLoad("k", xfetch, loads)).isEqualTo("v1");

        Hammer hammer = hammer("xfetch", xfetch, loads, Duration.ofMillis(2500));
        log.info("XFetch beta 2: {} getOrLoad calls in 2.5 s, {} loads (1 + refreshes), first refresh {} ms before expiry",
                hammer.calls.get(), loads.count.get(), loadedAt + 1000 - loads.secondStartedAt.get());

        assertThat(hammer.misses).as("getOrLoad or get returned null").hasValue(0);
        assertThat(hammer.calls.get()).isGreaterThan(100);
        assertThat(loads.count.get()).as("refreshes happened").isGreaterThanOrEqualTo(2);
        assertThat(loads.secondStartedAt.get()).as("the first refresh started before the first value expired")
                .isLessThan(loadedAt + 1000 + 100);
        assertThat(loads.maxConcurrent).as("refreshes are single-flight").hasValue(1);
    }

    @Test
    void earlyRefreshWithBetaZero_neverReloadsBeforeExpiry() throws Exception {
        LoadOptions plain = new LoadOptions(Duration.ofSeconds(5), 0, null);
        Loads loads = new Loads(100);
        assertThat(cluster.member(0).<String, String>map("no-xfetch").getOrLoad("k", plain, loads)).isEqualTo("v1");

        Hammer hammer = hammer("no-xfetch", plain, loads, Duration.ofMillis(1500));

        assertThat(hammer.misses).hasValue(0);
        assertThat(hammer.calls.get()).isGreaterThan(100);
        assertThat(loads.count).as("no refresh while the value is fresh").hasValue(1);
    }

    @Test
    void staleWhileRevalidate_servesTheExpiredValueAtOnce_andExactlyOneCallerReloadsInTheBackground() throws Exception {
        LoadOptions swr = new LoadOptions(Duration.ofMillis(300), 0, Duration.ofSeconds(30));
        CountDownLatch reloadMayFinish = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        Function<String, String> loader = k -> {
            int n = calls.incrementAndGet();
            if (n == 2) {
                awaitQuietly(reloadMayFinish);
            }
            return "v" + n;
        };
        List<GridMap<String, String>> maps = new ArrayList<>();
        for (TesseraGrid g : cluster.members()) {
            maps.add(g.map("swr"));
        }
        assertThat(maps.get(0).getOrLoad("k", swr, loader)).isEqualTo("v1");
        await().atMost(WAIT).until(() -> maps.stream().allMatch(m -> m.get("k") == null)); // expired for plain reads

        List<Future<String>> readers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            GridMap<String, String> m = maps.get(i % 3);
            readers.add(pool.submit(() -> m.getOrLoad("k", swr, loader)));
        }
        for (Future<String> f : readers) {
            // answered while the reload is still blocked: nobody waited for it
            assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("v1");
        }
        assertThat(reloadMayFinish.getCount()).isEqualTo(1);
        await().atMost(WAIT).until(() -> calls.get() == 2);
        assertThat(maps.get(1).getOrLoad("k", swr, loader)).as("still stale while the reload runs").isEqualTo("v1");
        assertThat(maps.get(2).get("k")).as("a plain get never sees the stale value").isNull();

        reloadMayFinish.countDown();
        await().atMost(WAIT).until(() -> "v2".equals(maps.get(2).get("k")));
        assertThat(maps.get(1).getOrLoad("k", swr, loader)).isEqualTo("v2");
        assertThat(calls).as("one initial load, one background reload").hasValue(2);
    }

    // ---- helpers ----

    /** A loader that takes {@code millis}, counts its runs and the most that overlapped, and notes when the second began. */
    private static final class Loads implements Function<String, String> {
        final long millis;
        final AtomicInteger count = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();
        final AtomicLong secondStartedAt = new AtomicLong(Long.MAX_VALUE);

        Loads(long millis) {
            this.millis = millis;
        }

        @Override
        public String apply(String k) {
            int n = count.incrementAndGet();
            if (n == 2) {
                secondStartedAt.set(System.currentTimeMillis());
            }
            maxConcurrent.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(millis); // a slow source: early refresh scales its head start with the load time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            return "v" + n;
        }
    }

    private record Hammer(AtomicInteger calls, AtomicInteger misses) {}

    /** Two getOrLoad callers per member and one plain reader for {@code duration}; counts the nulls seen. */
    private static Hammer hammer(String map, LoadOptions options, Loads loader, Duration duration) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger misses = new AtomicInteger();
        long end = System.nanoTime() + duration.toNanos();
        List<Future<?>> tasks = new ArrayList<>();
        for (TesseraGrid g : cluster.members()) {
            GridMap<String, String> m = g.map(map);
            for (int i = 0; i < 2; i++) {
                tasks.add(pool.submit(() -> {
                    while (System.nanoTime() - end < 0) {
                        calls.incrementAndGet();
                        if (m.getOrLoad("k", options, loader) == null) {
                            misses.incrementAndGet();
                        }
                        LockSupport.parkNanos(2_000_000); // pace the callers
                    }
                }));
            }
        }
        GridMap<String, String> reader = cluster.member(1).map(map);
        tasks.add(pool.submit(() -> {
            while (System.nanoTime() - end < 0) {
                if (reader.get("k") == null) {
                    misses.incrementAndGet();
                }
                LockSupport.parkNanos(2_000_000);
            }
        }));
        for (Future<?> f : tasks) {
            f.get(60, TimeUnit.SECONDS);
        }
        return new Hammer(calls, misses);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
