package dev.tessera.grid.core.loading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridLoadException;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.LoadOptions;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * getOrLoad across three in-process members: one loader run per key per miss whatever the number of
 * concurrent callers, every waiter gets the loaded value (or the loader's failure), and nothing is
 * stored for a null. Loader invocations are counted exactly.
 */
class GetOrLoadTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static TestCluster cluster;
    private static ExecutorService callers;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(3);
        callers = Executors.newFixedThreadPool(100);
    }

    @AfterAll
    static void stop() {
        callers.shutdownNow();
        cluster.close();
    }

    @Test
    void hundredConcurrentCallersOnThreeMembers_loadOnce_andAllGetTheValue() throws Exception {
        String name = "hundred";
        AtomicInteger calls = new AtomicInteger();
        int parkedBefore = parked();
        long leasesBefore = leasesGranted();
        Function<String, String> loader = k -> {
            calls.incrementAndGet();
            // hold the load until every other caller is parked on this lease: all 100 are concurrent
            await().atMost(WAIT).until(() -> parked() - parkedBefore == 99);
            return "value-of-" + k;
        };

        List<String> results = onAllMembers(100, name, m -> m.getOrLoad("k", loader));

        assertThat(calls).hasValue(1);
        assertThat(results).hasSize(100).containsOnly("value-of-k");
        assertThat(leasesGranted() - leasesBefore).isEqualTo(1);
        for (TesseraGrid g : cluster.members()) {
            assertThat(g.<String, String>map(name).get("k")).isEqualTo("value-of-k");
        }
        assertThat(cluster.copyCounts(name)).as("loaded value replicated to its backup").containsExactly(1L, 1L);
    }

    @Test
    void manyKeysAtOnce_eachKeyLoadsExactlyOnce() throws Exception {
        String name = "many-keys";
        int keys = 60;
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Function<String, String> loader = k -> {
            calls.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
            sleep(20); // a slow source, so that other callers of the key arrive during the load
            return "v-" + k;
        };
        List<Callable<String>> tasks = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < keys; i++) {
                for (TesseraGrid g : cluster.members()) {
                    String key = "key-" + ((i * 7 + round * 13) % keys);
                    GridMap<String, String> m = g.map(name);
                    tasks.add(() -> key + "=" + m.getOrLoad(key, loader));
                }
            }
        }
        List<String> results = new ArrayList<>();
        for (Future<String> f : callers.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
            results.add(f.get());
        }

        assertThat(results).hasSize(keys * 6).allSatisfy(r -> assertThat(r).isEqualTo(r.substring(0, r.indexOf('='))
                + "=v-" + r.substring(0, r.indexOf('='))));
        assertThat(calls).hasSize(keys);
        assertThat(calls.values()).allSatisfy(c -> assertThat(c).hasValue(1));
    }

    @Test
    void loaderThrows_everyWaiterGetsGridLoadException_oneInvocation_andALaterCallLoadsAgain() throws Exception {
        String name = "throws";
        AtomicInteger calls = new AtomicInteger();
        int parkedBefore = parked();
        Function<String, String> failing = k -> {
            calls.incrementAndGet();
            await().atMost(WAIT).until(() -> parked() - parkedBefore == 29);
            throw new IllegalStateException("source down for " + k);
        };

        List<Throwable> failures = onAllMembersFailures(30, name, m -> m.getOrLoad("k", failing));

        assertThat(calls).hasValue(1);
        assertThat(failures).hasSize(30).allSatisfy(e -> assertThat(e).isInstanceOf(GridLoadException.class)
                .hasMessageContaining("java.lang.IllegalStateException: source down for k"));
        assertThat(failures.stream().filter(e -> e.getCause() instanceof IllegalStateException).count())
                .as("only the caller that ran the loader has its exception as the cause").isEqualTo(1);
        assertThat(parked()).isEqualTo(parkedBefore);

        GridMap<String, String> m = cluster.member(2).map(name);
        assertThat(m.getOrLoad("k", k -> {
            calls.incrementAndGet();
            return "recovered";
        })).isEqualTo("recovered");
        assertThat(calls).hasValue(2);
    }

    @Test
    void loaderReturnsNull_waitersGetNull_nothingIsStored_andALaterCallLoadsAgain() throws Exception {
        String name = "null-load";
        AtomicInteger calls = new AtomicInteger();
        int parkedBefore = parked();
        Function<String, String> nothing = k -> {
            calls.incrementAndGet();
            await().atMost(WAIT).until(() -> parked() - parkedBefore == 11);
            return null;
        };

        List<String> results = onAllMembers(12, name, m -> m.getOrLoad("k", nothing));

        assertThat(calls).hasValue(1);
        assertThat(results).hasSize(12).containsOnlyNulls();
        for (TesseraGrid g : cluster.members()) {
            assertThat(g.<String, String>map(name).containsKey("k")).isFalse();
        }
        assertThat(cluster.copyCounts(name)).containsExactly(0L, 0L);
        assertThat(cluster.member(1).<String, String>map(name).getOrLoad("k", k -> "v" + calls.incrementAndGet())).isEqualTo("v2");
    }

    @Test
    void computeIfAbsent_concurrentCallersOnThreeMembers_runTheFunctionOnce() throws Exception {
        String name = "cia";
        AtomicInteger calls = new AtomicInteger();
        int parkedBefore = parked();
        Function<String, String> fn = k -> {
            calls.incrementAndGet();
            await().atMost(WAIT).until(() -> parked() - parkedBefore == 29);
            return "computed";
        };

        List<String> results = onAllMembers(30, name, m -> m.computeIfAbsent("k", fn));

        assertThat(calls).hasValue(1);
        assertThat(results).hasSize(30).containsOnly("computed");
        GridMap<String, String> m = cluster.member(0).map(name);
        assertThat(m.computeIfAbsent("k", k -> "other")).isEqualTo("computed");
        assertThat(m.computeIfAbsent("absent", k -> null)).isNull();
        assertThat(m.containsKey("absent")).isFalse();
        assertThatThrownBy(() -> m.computeIfAbsent("boom", k -> {
            throw new UnsupportedOperationException("mine");
        })).as("ConcurrentMap: the function's own exception reaches its caller as is")
                .isExactlyInstanceOf(UnsupportedOperationException.class).hasMessage("mine");
    }

    @Test
    void loadedValueExpiresAfterItsTimeToLive_andIsLoadedAgain() {
        GridMap<String, String> m = cluster.member(0).map("ttl-load"); // a map without expiry of its own
        AtomicInteger calls = new AtomicInteger();
        LoadOptions ttl = new LoadOptions(Duration.ofMillis(300), 0, null);

        assertThat(m.getOrLoad("k", ttl, k -> "v" + calls.incrementAndGet())).isEqualTo("v1");
        assertThat(m.getOrLoad("k", ttl, k -> "v" + calls.incrementAndGet())).isEqualTo("v1");
        await().atMost(WAIT).until(() -> m.get("k") == null);
        assertThat(m.getOrLoad("k", ttl, k -> "v" + calls.incrementAndGet())).isEqualTo("v2");
        assertThat(calls).hasValue(2);
    }

    @Test
    void badInput_isRejectedNamingTheOption_andNoLoaderRuns() {
        GridMap<String, String> m = cluster.member(0).map("bad-input");
        AtomicInteger calls = new AtomicInteger();
        Function<String, String> loader = k -> "v" + calls.incrementAndGet();

        assertThatThrownBy(() -> m.getOrLoad("k", null)).isInstanceOf(NullPointerException.class).hasMessageContaining("loader");
        assertThatThrownBy(() -> m.getOrLoad(null, loader)).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> m.getOrLoad("k", null, loader)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("options");
        assertThatThrownBy(() -> m.getOrLoad("k", new LoadOptions(null, 1.0, null), loader))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("earlyRefreshBeta")
                .hasMessageContaining("time-to-live");
        assertThatThrownBy(() -> m.getOrLoad("k", new LoadOptions(null, 0, Duration.ofSeconds(1)), loader))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("staleWhileRevalidate");
        assertThatThrownBy(() -> m.getOrLoad("k", new LoadOptions(Duration.ofNanos(10), 0, null), loader))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeToLive");
        assertThatThrownBy(() -> new LoadOptions(null, 11, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("earlyRefreshBeta");
        assertThatThrownBy(() -> m.computeIfAbsent("k", null)).isInstanceOf(NullPointerException.class);
        assertThat(calls).hasValue(0);
        assertThat(m.containsKey("k")).isFalse();
    }

    // ---- helpers ----

    /** Runs {@code n} calls at once, spread over the members, and returns their results. */
    private static <T> List<T> onAllMembers(int n, String map, Function<GridMap<String, String>, T> call) throws Exception {
        List<T> out = new ArrayList<>();
        for (Future<T> f : submitAll(n, map, call)) {
            out.add(f.get(60, TimeUnit.SECONDS));
        }
        return out;
    }

    /** Like {@link #onAllMembers}, for calls that all fail: their exceptions. */
    private static List<Throwable> onAllMembersFailures(int n, String map, Function<GridMap<String, String>, ?> call)
            throws Exception {
        List<Throwable> out = new ArrayList<>();
        for (Future<?> f : submitAll(n, map, call)) {
            try {
                f.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                out.add(e.getCause());
            }
        }
        return out;
    }

    private static <T> List<Future<T>> submitAll(int n, String map, Function<GridMap<String, String>, T> call) {
        List<TesseraGrid> members = cluster.members();
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            GridMap<String, String> m = members.get(i % members.size()).map(map);
            futures.add(callers.submit(() -> call.apply(m)));
        }
        return futures;
    }

    private static int parked() {
        return cluster.members().stream().mapToInt(g -> g.loadLeases().parkedCount()).sum();
    }

    private static long leasesGranted() {
        return cluster.members().stream().mapToLong(g -> g.loadLeases().leasesGranted()).sum();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
