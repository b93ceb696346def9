package dev.tessera.grid.core.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.GridException;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.GridSerializationException;
import dev.tessera.grid.KeyProcessor;
import dev.tessera.grid.ProcessedEntry;
import dev.tessera.grid.testkit.TestCluster;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** GridMap.executeOnKey: the processor runs at the key's primary, once per call, atomically. */
class ExecuteOnKeyTest {

    /** Adds one to a Long entry and counts its runs (all members share this JVM). */
    public static final class Increment implements KeyProcessor<String, Long, Long> {
        static final AtomicLong RUNS = new AtomicLong();

        @Override
        public Long process(ProcessedEntry<String, Long> entry) {
            RUNS.incrementAndGet();
            long next = (entry.exists() ? entry.value() : 0L) + 1;
            entry.setValue(next);
            return next;
        }
    }

    /** Removes the entry, returning what it held. */
    public static final class Take implements KeyProcessor<String, Long, Long> {
        @Override
        public Long process(ProcessedEntry<String, Long> entry) {
            Long v = entry.value();
            entry.remove();
            return v;
        }
    }

    /** Changes the entry, then throws: the change must not be applied. */
    public static final class ChangeThenFail implements KeyProcessor<String, Long, Long> {
        @Override
        public Long process(ProcessedEntry<String, Long> entry) {
            entry.setValue(-1L);
            throw new IllegalStateException("refused by the processor");
        }
    }

    /** Sets the value with a 300 ms time-to-live. */
    public static final class SetBriefly implements KeyProcessor<String, Long, Long> {
        @Override
        public Long process(ProcessedEntry<String, Long> entry) {
            entry.setValue(42L, java.time.Duration.ofMillis(300));
            return null;
        }
    }

    /** Never registered. */
    public static final class Unregistered implements KeyProcessor<String, Long, Long> {
        @Override
        public Long process(ProcessedEntry<String, Long> entry) {
            return 0L;
        }
    }

    private static TestCluster cluster(int n) {
        return TestCluster.start(n, b -> b.registerType(Increment.class).registerType(Take.class)
                .registerType(ChangeThenFail.class).registerType(SetBriefly.class));
    }

    @Test
    void concurrentCallsFromThreeMembersApplyEachProcessorExactlyOnce() throws Exception {
        int members = 3;
        int threads = 4;
        int perThread = 250;
        try (TestCluster c = cluster(members)) {
            ExecutorService pool = Executors.newFixedThreadPool(members * threads);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Set<Long>>> results = new ArrayList<>();
                for (int m = 0; m < members; m++) {
                    GridMap<String, Long> map = c.member(m).map("counters");
                    for (int t = 0; t < threads; t++) {
                        results.add(pool.submit(() -> {
                            start.await();
                            Set<Long> seen = new HashSet<>();
                            for (int i = 0; i < perThread; i++) {
                                seen.add(map.executeOnKey("hot", new Increment()));
                            }
                            return seen;
                        }));
                    }
                }
                Increment.RUNS.set(0);
                start.countDown();
                Set<Long> all = new HashSet<>();
                for (Future<Set<Long>> f : results) {
                    all.addAll(f.get(5, TimeUnit.MINUTES));
                }
                int calls = members * threads * perThread;
                assertThat(Increment.RUNS.get()).as("processor runs").isEqualTo(calls);
                assertThat(all).as("distinct results").hasSize(calls);
                GridMap<String, Long> any = c.member(2).map("counters");
                assertThat(any.get("hot")).isEqualTo((long) calls);

                // the result was replicated: it survives the crash of the key's primary
                int owner = c.members().indexOf(c.members().stream()
                        .filter(g -> g.localMember().equals(any.ownerOf("hot"))).findFirst().orElseThrow());
                c.crash(owner);
                c.awaitStable();
                assertThat(c.member(0).<String, Long>map("counters").get("hot")).isEqualTo((long) calls);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void removesFailsCleanlyAndRefusesAnUnregisteredProcessorOnTheCaller() {
        try (TestCluster c = cluster(2)) {
            GridMap<String, Long> map = c.member(0).map("m");
            for (int i = 0; i < 20; i++) {
                map.put("k" + i, (long) i);
            }
            Set<String> keys = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                keys.add("k" + i);
            }
            Map<String, Long> taken = map.executeOnKeys(keys, new Take());
            assertThat(taken).hasSize(20).containsEntry("k7", 7L);
            assertThat(map.size()).isZero();

            map.put("x", 5L);
            assertThatThrownBy(() -> map.executeOnKey("x", new ChangeThenFail()))
                    .isInstanceOf(GridException.class).hasMessageContaining("refused by the processor");
            assertThat(c.member(1).<String, Long>map("m").get("x")).isEqualTo(5L);

            assertThatThrownBy(() -> map.executeOnKey("x", new Unregistered()))
                    .isInstanceOf(GridSerializationException.class).hasMessageContaining(Unregistered.class.getName());
            assertThat(map.executeOnKey("absent", new Take())).isNull();
        }
    }

    @Test
    void aProcessorsTimeToLiveExpiresTheEntryAtItsPrimaryAndBackup() {
        try (TestCluster c = cluster(2)) {
            GridMap<String, Long> map = c.member(0).map("m");
            map.put("eternal", 1L);
            long before = System.nanoTime();
            map.executeOnKey("brief", new SetBriefly());
            assertThat(c.member(1).<String, Long>map("m").get("brief")).isEqualTo(42L);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> map.size() == 1);
            assertThat(System.nanoTime() - before).isGreaterThanOrEqualTo(300_000_000L);
            assertThat(c.member(1).<String, Long>map("m").get("brief")).isNull();
            assertThat(map.get("eternal")).isEqualTo(1L);
        }
    }
}
