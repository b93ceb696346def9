package dev.tessera.grid.core.loading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A lease whose holder dies, or that runs out, passes to exactly one waiter, which loads in its place. */
class LeaseHandOverTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void holderCrashesMidLoad_exactlyOneWaiterReloads_everySurvivingWaiterGetsTheValue() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        CountDownLatch stuck = new CountDownLatch(1);
        try (TestCluster cluster = TestCluster.start(3)) {
            TesseraGrid primary = cluster.member(0);
            GridMap<String, String> onPrimary = primary.map("crash");
            String key = keyLedBy(onPrimary, primary);
            AtomicInteger calls = new AtomicInteger();
            Function<String, String> loader = k -> {
                int n = calls.incrementAndGet();
                if (n == 1) {
                    awaitQuietly(stuck); // the first load never finishes: its member is killed meanwhile
                }
                return "loaded-" + n;
            };
            GridMap<String, String> onHolder = cluster.member(1).map("crash");
            pool.submit(() -> onHolder.getOrLoad(key, loader));
            await().atMost(WAIT).until(() -> calls.get() == 1);

            List<Future<String>> waiters = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                GridMap<String, String> m = (i % 2 == 0 ? primary : cluster.member(2)).map("crash");
                waiters.add(pool.submit(() -> m.getOrLoad(key, loader)));
            }
            await().atMost(WAIT).until(() -> primary.loadLeases().parkedCount() == 40);

            cluster.crash(1);

            List<String> results = new ArrayList<>();
            for (Future<String> f : waiters) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(results).hasSize(40).containsOnly("loaded-2");
            assertThat(calls).as("the crashed holder's load plus exactly one reload").hasValue(2);
            assertThat(primary.loadLeases().parkedCount()).isZero();
            assertThat(primary.loadLeases().leaseCount()).isZero();
            assertThat(onPrimary.get(key)).isEqualTo("loaded-2");
        } finally {
            stuck.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void leaseOlderThanTheOperationTimeout_passesToOneWaiter() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        CountDownLatch slow = new CountDownLatch(1);
        // The primary (first member) ends leases after its 2 s operation timeout; the callers, all on the
        // second member, wait up to 20 s: long enough to outlive the lease.
        AtomicInteger started = new AtomicInteger();
        try (TestCluster cluster = TestCluster.start(2,
                b -> b.operationTimeout(Duration.ofSeconds(started.getAndIncrement() == 0 ? 2 : 20)))) {
            TesseraGrid primary = cluster.member(0);
            String key = keyLedBy(primary.map("slow"), primary);
            AtomicInteger calls = new AtomicInteger();
            Function<String, String> loader = k -> {
                int n = calls.incrementAndGet();
                if (n == 1) {
                    awaitQuietly(slow); // outlives its lease
                }
                return "loaded-" + n;
            };
            GridMap<String, String> callerMap = cluster.member(1).map("slow");
            Future<String> holder = pool.submit(() -> callerMap.getOrLoad(key, loader));
            await().atMost(WAIT).until(() -> calls.get() == 1);
            List<Future<String>> waiters = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                waiters.add(pool.submit(() -> callerMap.getOrLoad(key, loader)));
            }
            await().atMost(WAIT).until(() -> primary.loadLeases().parkedCount() == 10 || calls.get() == 2);

            for (Future<String> f : waiters) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo("loaded-2");
            }
            assertThat(calls).hasValue(2);
            assertThat(primary.loadLeases().leasesGranted()).isEqualTo(2);

            slow.countDown(); // the late holder's value does not overwrite the one stored meanwhile
            assertThat(holder.get(60, TimeUnit.SECONDS)).isEqualTo("loaded-2");
            assertThat(primary.<String, String>map("slow").get(key)).isEqualTo("loaded-2");
        } finally {
            slow.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void primaryLeavesMidLoad_waitersAskTheNewPrimary_andOneOfThemLoadsAgain() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        CountDownLatch stuck = new CountDownLatch(1);
        try (TestCluster cluster = TestCluster.start(3)) {
            TesseraGrid primary = cluster.member(0);
            String key = keyLedBy(primary.map("moving"), primary);
            AtomicInteger calls = new AtomicInteger();
            Function<String, String> loader = k -> {
                int n = calls.incrementAndGet();
                if (n == 1) {
                    awaitQuietly(stuck);
                }
                return "loaded-" + n;
            };
            GridMap<String, String> onHolder = cluster.member(2).map("moving");
            Future<String> holder = pool.submit(() -> onHolder.getOrLoad(key, loader));
            await().atMost(WAIT).until(() -> calls.get() == 1);
            List<Future<String>> waiters = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                GridMap<String, String> m = cluster.member(1 + i % 2).map("moving");
                waiters.add(pool.submit(() -> m.getOrLoad(key, loader)));
            }
            await().atMost(WAIT).until(() -> primary.loadLeases().parkedCount() == 20);

            cluster.leave(0); // the key's partition moves: the old primary's lease and its waiting callers go with it

            for (Future<String> f : waiters) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo("loaded-2");
            }
            assertThat(calls).as("the first load, and one more at the new primary").hasValue(2);
            stuck.countDown();
            assertThat(holder.get(60, TimeUnit.SECONDS)).as("the late first load does not replace the stored value")
                    .isEqualTo("loaded-2");
            assertThat(cluster.member(0).<String, String>map("moving").get(key)).isEqualTo("loaded-2");
        } finally {
            stuck.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void primaryStops_callersParkedOnItAreReleasedAtOnce_notAtTheirTimeout() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        CountDownLatch stuck = new CountDownLatch(1);
        try (TestCluster cluster = TestCluster.start(2)) { // operation timeout 20 s
            TesseraGrid primary = cluster.member(0);
            GridMap<String, String> onPrimary = primary.map("stopping");
            String key = keyLedBy(onPrimary, primary);
            AtomicInteger calls = new AtomicInteger();
            Function<String, String> blocked = k -> {
                calls.incrementAndGet();
                awaitQuietly(stuck);
                return "never-stored";
            };
            GridMap<String, String> onHolder = cluster.member(1).map("stopping");
            pool.submit(() -> onHolder.getOrLoad(key, blocked));
            await().atMost(WAIT).until(() -> calls.get() == 1);
            Future<String> waiter = pool.submit(() -> onPrimary.getOrLoad(key, blocked));
            await().atMost(WAIT).until(() -> primary.loadLeases().parkedCount() == 1);

            long start = System.nanoTime();
            cluster.crash(0);

            assertThatThrownBy(() -> waiter.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("stopped");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(primary.loadLeases().parkedCount()).isZero();
            assertThat(calls).hasValue(1);
        } finally {
            stuck.countDown();
            pool.shutdownNow();
        }
    }

    private static String keyLedBy(GridMap<String, String> map, TesseraGrid member) {
        for (int i = 0; ; i++) {
            String k = "key-" + i;
            if (map.ownerOf(k).equals(member.localMember())) {
                return k;
            }
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
