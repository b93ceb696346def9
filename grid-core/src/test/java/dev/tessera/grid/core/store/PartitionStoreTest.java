package dev.tessera.grid.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The partition store's open-addressing table against a {@link HashMap} model, and its lock-free reads. */
class PartitionStoreTest {

    @Test
    void randomWritesRemovesAndPurges_matchAHashMapModel_andKeepTheCounters() {
        PartitionStore store = new PartitionStore();
        Map<String, Record> model = new HashMap<>();
        Random random = new Random(42);
        long version = 0;
        for (int step = 0; step < 200_000; step++) {
            String k = "key-" + random.nextInt(5_000);
            Bytes key = bytes(k);
            int action = random.nextInt(10);
            long v = ++version;
            if (action < 6) { // write
                byte[] value = ("value-" + v).repeat(1 + random.nextInt(3)).getBytes(StandardCharsets.UTF_8);
                Record written = store.compute(key, (kk, cur) -> new Record(kk, value, v, v));
                model.put(k, written);
            } else if (action < 8) { // tombstone
                store.compute(key, (kk, cur) -> cur == null ? null : new Record(kk, null, v, v));
                model.computeIfPresent(k, (kk, cur) -> store.get(key));
            } else if (action < 9) { // drop the record entirely
                store.compute(key, (kk, cur) -> null);
                model.remove(k);
            } else if (step % 1_000 == 0) { // purge every tombstone
                int tombstones = (int) model.values().stream().filter(Record::isTombstone).count();
                assertThat(store.purgeTombstones(Long.MAX_VALUE)).isEqualTo(tombstones);
                model.values().removeIf(Record::isTombstone);
            }
        }
        Set<String> seen = new HashSet<>();
        store.forEach((k, r) -> {
            String key = new String(k.array(), StandardCharsets.UTF_8);
            assertThat(seen.add(key)).as("each key once").isTrue();
            assertThat(r).isSameAs(model.get(key));
        });
        assertThat(seen).isEqualTo(model.keySet());
        for (Map.Entry<String, Record> e : model.entrySet()) {
            assertThat(store.get(bytes(e.getKey()))).isSameAs(e.getValue());
        }
        List<Record> live = model.values().stream().filter(r -> !r.isTombstone()).toList();
        assertThat(store.liveCount()).isEqualTo(live.size());
        assertThat(store.liveBytes()).isEqualTo(live.stream().mapToLong(r -> r.keyLength() + r.valueLength()).sum());
        assertThat(store.heapCost()).isEqualTo(live.stream().mapToLong(EntryCost::of).sum());
        assertThat(store.maxVersion()).isEqualTo(model.values().stream().mapToLong(Record::version).max().orElse(0));

        store.clear();
        assertThat(store.isEmpty()).isTrue();
        assertThat(store.liveCount()).isZero();
        assertThat(store.heapCost()).isZero();
        assertThat(store.get(bytes("key-1"))).isNull();
    }

    @Test
    void growsWithItsRecords_andShrinksWhenAPurgeEmptiesIt() {
        PartitionStore store = new PartitionStore();
        for (int i = 0; i < 10_000; i++) {
            store.compute(bytes("k" + i), (k, cur) -> new Record(k, new byte[] {1}, 1, 1));
        }
        assertThat(store.tableCapacity()).isBetween(10_000 * 4 / 3, 10_000 * 8 / 3); // 3/8 to 3/4 full
        for (int i = 10; i < 10_000; i++) {
            store.compute(bytes("k" + i), (k, cur) -> new Record(k, null, 2, 2));
        }
        assertThat(store.purgeTombstones(Long.MAX_VALUE)).isEqualTo(9_990);
        assertThat(store.tableCapacity()).isLessThanOrEqualTo(32);
        for (int i = 0; i < 10; i++) {
            assertThat(store.get(bytes("k" + i)).value()).containsExactly(1);
        }
        assertThat(store.liveCount()).isEqualTo(10);
    }

    @Test
    void applyIfNewer_keepsTheHighestVersionWhateverTheOrder() {
        PartitionStore store = new PartitionStore();
        Bytes key = bytes("k");
        store.applyIfNewer(key, new byte[] {2}, 2, 2, 0, 0, 0, false);
        store.applyIfNewer(key, new byte[] {1}, 1, 1, 0, 0, 0, false);
        store.applyIfNewer(key, null, 2, 3, 0, 0, 0, false);
        assertThat(store.get(key).value()).containsExactly(2);
        store.applyIfNewer(key, null, 3, 3, 0, 0, 0, false);
        assertThat(store.get(key).isTombstone()).isTrue();
        assertThat(store.getLive(key)).isNull();
        assertThat(store.liveCount()).isZero();
    }

    @Test
    void anUpdateThatReturnsAnotherKeysRecord_isRefusedAndChangesNothing() {
        PartitionStore store = new PartitionStore();
        Bytes key = bytes("a");
        assertThatThrownBy(() -> store.compute(key, (k, cur) -> new Record(bytes("b"), new byte[] {1}, 1, 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("another key");
        assertThat(store.get(key)).isNull();
        assertThat(store.liveCount()).isZero();
    }

    @Test
    void anUpdateFromInsideAnUpdate_isRefused() {
        PartitionStore store = new PartitionStore();
        assertThatThrownBy(() -> store.compute(bytes("a"), (k, cur) ->
                store.compute(bytes("b"), (k2, cur2) -> new Record(k2, new byte[] {1}, 1, 1))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Recursive");
        assertThat(store.isEmpty()).isTrue();
        store.compute(bytes("a"), (k, cur) -> new Record(k, new byte[] {1}, 1, 1)); // still usable
        assertThat(store.liveCount()).isEqualTo(1);
    }

    /**
     * Readers without locks while a writer grows the table, overwrites and removes other keys: a key
     * present throughout is found every time, with one of the values it held, and never another key's.
     */
    @Test
    void lockFreeReaders_alwaysFindStableKeys_whileTheTableGrowsAndChurns() throws Exception {
        PartitionStore store = new PartitionStore();
        int stable = 200;
        for (int i = 0; i < stable; i++) {
            byte[] value = ("s" + i).getBytes(StandardCharsets.UTF_8);
            store.compute(bytes("stable-" + i), (k, cur) -> new Record(k, value, 1, 1));
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread reader = new Thread(() -> {
                Random random = new Random();
                while (!done.get() && failure.get() == null) {
                    int i = random.nextInt(stable);
                    Record r = store.get(bytes("stable-" + i));
                    String expected = "s" + i;
                    if (r == null) {
                        failure.set("stable-" + i + " not found");
                    } else if (!new String(r.value(), StandardCharsets.UTF_8).startsWith(expected)) {
                        failure.set("stable-" + i + " read " + new String(r.value(), StandardCharsets.UTF_8));
                    }
                    reads.incrementAndGet();
                }
            });
            reader.start();
            readers.add(reader);
        }
        Random random = new Random(7);
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 20_000; i++) { // churn grows the table and leaves removal marks
                int n = random.nextInt(50_000);
                Bytes k = bytes("churn-" + n);
                store.compute(k, (kk, cur) -> random.nextBoolean() ? new Record(kk, new byte[] {1}, 1, 1) : null);
            }
            int i = random.nextInt(stable);
            byte[] value = ("s" + i + "-round" + round).getBytes(StandardCharsets.UTF_8);
            store.compute(bytes("stable-" + i), (k, cur) -> new Record(k, value, 2, 2));
        }
        done.set(true);
        for (Thread reader : readers) {
            reader.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(reads.get()).isPositive();
    }

    /**
     * Writers of different keys update in parallel (striped); each thread owns its keys and keeps a model of
     * them: afterwards every key holds its owner's last record and the counters match the records held.
     */
    @Test
    void concurrentWritersOfDifferentKeys_loseNoUpdate_andKeepTheCounters() throws Exception {
        PartitionStore store = new PartitionStore();
        int threads = 8;
        List<Map<String, Record>> models = new ArrayList<>();
        List<Thread> writers = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            Map<String, Record> model = new HashMap<>();
            models.add(model);
            int owner = t;
            Thread writer = new Thread(() -> {
                try {
                    Random random = new Random(owner);
                    for (int step = 0; step < 50_000; step++) {
                        String k = "t" + owner + "-key-" + random.nextInt(500);
                        Bytes key = bytes(k);
                        long v = step + 1;
                        int action = random.nextInt(10);
                        if (action < 6) { // write (insert or replace), values of varying size
                            byte[] value = new byte[1 + random.nextInt(40)];
                            model.put(k, store.compute(key, (kk, cur) -> new Record(kk, value, v, v)));
                        } else if (action < 8) { // tombstone
                            Record r = store.compute(key, (kk, cur) -> cur == null ? null : new Record(kk, null, v, v));
                            if (r == null) {
                                model.remove(k);
                            } else {
                                model.put(k, r);
                            }
                        } else { // drop
                            store.compute(key, (kk, cur) -> null);
                            model.remove(k);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            writer.start();
            writers.add(writer);
        }
        for (Thread writer : writers) {
            writer.join();
        }
        assertThat(failure.get()).isNull();
        Map<String, Record> all = new HashMap<>();
        models.forEach(all::putAll);
        for (Map.Entry<String, Record> e : all.entrySet()) {
            assertThat(store.get(bytes(e.getKey()))).as(e.getKey()).isSameAs(e.getValue());
        }
        int[] held = {0};
        store.forEach((k, r) -> held[0]++);
        assertThat(held[0]).isEqualTo(all.size());
        List<Record> live = all.values().stream().filter(r -> !r.isTombstone()).toList();
        assertThat(store.liveCount()).isEqualTo(live.size());
        assertThat(store.liveBytes()).isEqualTo(live.stream().mapToLong(r -> r.keyLength() + r.valueLength()).sum());
        assertThat(store.heapCost()).isEqualTo(live.stream().mapToLong(EntryCost::of).sum());
        int tombstones = all.size() - live.size();
        assertThat(store.purgeTombstones(Long.MAX_VALUE)).isEqualTo(tombstones);
    }

    private static Bytes bytes(String s) {
        return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
