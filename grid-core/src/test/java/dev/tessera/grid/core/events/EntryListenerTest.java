package dev.tessera.grid.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.EntryEvent;
import dev.tessera.grid.EntryEventType;
import dev.tessera.grid.EntryListener;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.Member;
import dev.tessera.grid.Registration;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.core.replication.ChangeCause;
import dev.tessera.grid.core.serialization.KryoCodec;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Entry listeners on three in-process members: which events, with what, in which order, to whom. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EntryListenerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** How long a count must stay put to count as final (no late or duplicate events). */
    private static final Duration QUIET = Duration.ofMillis(500);

    private TestCluster cluster;
    private final List<Registration> registrations = new ArrayList<>();

    @BeforeAll
    void start() {
        cluster = TestCluster.start(3);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @AfterEach
    void unregister() {
        registrations.forEach(Registration::close);
        registrations.clear();
    }

    @Test
    void writesFromEveryMember_reachEveryListener_exactlyOnce_withValues() {
        List<GridMap<String, Integer>> maps = maps("every");
        List<Recorder> recorders = maps.stream().map(m -> listen(m, true)).toList();
        List<String> keys = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            for (int i = 0; i < 20; i++) {
                String key = "m" + m + "-k" + i;
                keys.add(key);
                maps.get(m).put(key, 1);
                maps.get(m).put(key, 2);
                maps.get(m).remove(key);
            }
        }
        for (Recorder r : recorders) {
            awaitExactly(r, 180);
            for (String key : keys) {
                List<EntryEvent<String, Integer>> ev = r.ofKey(key);
                assertThat(ev).extracting(EntryEvent::type)
                        .containsExactly(EntryEventType.ADDED, EntryEventType.UPDATED, EntryEventType.REMOVED);
                assertThat(ev).extracting(EntryEvent::value).containsExactly(1, 2, null);
                assertThat(ev).extracting(EntryEvent::oldValue).containsExactly(null, 1, 2);
                Member owner = maps.get(0).ownerOf(key);
                assertThat(ev).allSatisfy(e -> {
                    assertThat(e.source()).isEqualTo(owner);
                    assertThat(e.map()).isEqualTo("every");
                });
            }
        }
    }

    @Test
    void listenerWithoutValues_getsEventsWithoutValues() {
        List<GridMap<String, Integer>> maps = maps("novalues");
        Recorder bare = listen(maps.get(0), false);
        Recorder full = listen(maps.get(1), true);
        for (int i = 0; i < 30; i++) {
            maps.get(i % 3).put("k" + i, i);
            maps.get(i % 3).put("k" + i, i + 100);
        }
        awaitExactly(bare, 60);
        awaitExactly(full, 60);
        assertThat(bare.events()).allSatisfy(e -> {
            assertThat(e.value()).isNull();
            assertThat(e.oldValue()).isNull();
        });
        assertThat(bare.events()).filteredOn(e -> e.type() == EntryEventType.ADDED).hasSize(30);
        assertThat(bare.events()).filteredOn(e -> e.type() == EntryEventType.UPDATED).hasSize(30);
        assertThat(full.events()).filteredOn(e -> e.type() == EntryEventType.UPDATED)
                .allSatisfy(e -> assertThat(e.value()).isEqualTo(e.oldValue() + 100));
    }

    @Test
    void concurrentIncrements_areSeenInPerKeyOrder_byEveryListener() throws Exception {
        List<GridMap<String, Integer>> maps = maps("order");
        List<Recorder> recorders = maps.stream().map(m -> listen(m, true)).toList();
        List<String> keys = List.of("a", "b", "c", "d");
        int writersPerMember = 2;
        int incrementsPerWriterAndKey = 40;
        ExecutorService writers = Executors.newFixedThreadPool(3 * writersPerMember);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 3 * writersPerMember; w++) {
                GridMap<String, Integer> map = maps.get(w % 3);
                done.add(writers.submit(() -> {
                    for (int i = 0; i < incrementsPerWriterAndKey; i++) {
                        keys.forEach(k -> map.merge(k, 1, Integer::sum));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            writers.shutdownNow();
        }
        int perKey = 3 * writersPerMember * incrementsPerWriterAndKey;
        List<Integer> expected = IntStream.rangeClosed(1, perKey).boxed().toList();
        for (Recorder r : recorders) {
            awaitExactly(r, perKey * keys.size());
            for (String k : keys) {
                assertThat(r.ofKey(k)).extracting(EntryEvent::value).as("values of %s in arrival order", k).isEqualTo(expected);
            }
        }
    }

    @Test
    void slowListener_delaysNeitherWritesNorOtherListeners_norItsOtherLanes() throws Exception {
        List<GridMap<String, Integer>> maps = maps("slow");
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean blocked = new AtomicBoolean();
        Recorder slow = new Recorder(e -> {
            if (e.key().equals("first")) {
                blocked.set(true);
                try {
                    release.await(30, TimeUnit.SECONDS); // until the test releases it
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                blocked.set(false);
            }
        });
        registrations.add(maps.get(0).addEntryListener(slow, true));
        Recorder other = listen(maps.get(0), true);
        maps.get(1).put("first", 0);
        await().atMost(WAIT).untilTrue(blocked);

        long start = System.nanoTime();
        for (int i = 0; i < 300; i++) {
            maps.get(i % 3).put("k" + i, i);
        }
        long writeMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(blocked).as("slow listener still blocked when all 300 writes returned (%d ms)", writeMillis).isTrue();
        awaitExactly(other, 301);

        // The slow listener holds up only the lane of "first": events of keys in its other lanes arrived.
        KryoCodec codec = new KryoCodec(List.of());
        int blockedLane = ListenerDelivery.laneOf(codec.serializeKey("first"));
        List<String> otherLanes = IntStream.range(0, 300).mapToObj(i -> "k" + i)
                .filter(k -> ListenerDelivery.laneOf(codec.serializeKey(k)) != blockedLane).toList();
        assertThat(otherLanes).hasSizeBetween(200, 299);
        awaitExactly(slow, otherLanes.size());
        assertThat(slow.events()).extracting(EntryEvent::key).containsExactlyInAnyOrderElementsOf(otherLanes);
        assertThat(blocked).isTrue();

        release.countDown();
        awaitExactly(slow, 301);
        assertThat(slow.events()).extracting(EntryEvent::key).contains("first", "k0", "k299");
    }

    @Test
    void localListener_hearsOnlyLocallyOwnedKeys_andSendsNoMessage() {
        MapConfig noBackups = MapConfig.builder().backups(0).build();
        TesseraGrid member = cluster.member(0);
        GridMap<String, Integer> map = member.map("local", noBackups);
        Recorder local = new Recorder(e -> {});
        registrations.add(map.addLocalEntryListener(local, true));
        List<String> mine = keysOwnedBy(map, member.localMember(), 40);
        List<String> theirs = IntStream.range(0, 200).mapToObj(i -> "k" + i).filter(k -> !mine.contains(k))
                .filter(k -> !map.ownerOf(k).equals(member.localMember())).limit(40).toList();
        long sentBefore = member.messagesSent();
        long eventMessagesBefore = totalEventMessages();
        mine.forEach(k -> map.put(k, 1));
        assertThat(member.messagesSent()).as("messages for writes of locally owned keys with a local listener").isEqualTo(sentBefore);
        theirs.forEach(k -> map.put(k, 1));
        awaitExactly(local, 40);
        assertThat(local.events()).extracting(EntryEvent::key).containsExactlyInAnyOrderElementsOf(mine);
        assertThat(local.events()).allSatisfy(e -> assertThat(e.source()).isEqualTo(member.localMember()));
        assertThat(totalEventMessages()).as("entry-event messages of all members").isEqualTo(eventMessagesBefore);
    }

    @Test
    void close_stopsDelivery_andUnregistersEverywhere() {
        List<GridMap<String, Integer>> maps = maps("closing");
        Recorder r = new Recorder(e -> {});
        Registration reg = maps.get(0).addEntryListener(r, true);
        maps.get(1).put("before", 1);
        awaitExactly(r, 1);
        reg.close();
        reg.close(); // idempotent
        long published = totalPublished();
        for (int i = 0; i < 30; i++) {
            maps.get(i % 3).put("after" + i, i);
        }
        await().during(QUIET).atMost(WAIT).until(() -> r.events().size() == 1);
        assertThat(totalPublished()).as("changes published after the only listener closed").isEqualTo(published);
    }

    @Test
    void removals_byRemoveDeleteConditionalRemoveComputeAndClear_areRemovedEvents() {
        List<GridMap<String, Integer>> maps = maps("removals");
        for (int i = 0; i < 6; i++) {
            maps.get(0).put("k" + i, i);
        }
        Recorder r = listen(maps.get(2), true);
        assertThat(maps.get(1).remove("k0")).isEqualTo(0);
        maps.get(1).delete("k1");
        assertThat(maps.get(1).remove("k2", 2)).isTrue();
        assertThat(maps.get(1).remove("k3", 99)).isFalse();
        maps.get(1).computeIfPresent("k3", (k, v) -> null);
        maps.get(1).remove("absent");
        maps.get(1).clear();
        awaitExactly(r, 6);
        assertThat(r.events()).allSatisfy(e -> assertThat(e.type()).isEqualTo(EntryEventType.REMOVED));
        Map<String, Integer> oldValues = r.events().stream().collect(Collectors.toMap(EntryEvent::key, EntryEvent::oldValue));
        assertThat(oldValues).isEqualTo(Map.of("k0", 0, "k1", 1, "k2", 2, "k3", 3, "k4", 4, "k5", 5));
    }

    /**
     * Expiry and eviction are decided by the primary's expiry/eviction logic (not part of this
     * feature), which reports them to the change observers as {@code removeAsPrimary} does; here the
     * primary's observer is told so directly, and the events must reach listeners with their cause.
     */
    @Test
    void primaryReportingExpiryOrEviction_isExpiredOrEvictedEvent_withOldValue() {
        List<GridMap<String, Integer>> maps = maps("expiry");
        maps.get(0).put("gone", 5);
        maps.get(0).put("pushed", 6);
        Recorder r = listen(maps.get(2), true);
        KryoCodec codec = new KryoCodec(List.of());
        for (String key : List.of("gone", "pushed")) {
            TesseraGrid primary = cluster.members().stream()
                    .filter(g -> g.localMember().equals(maps.get(0).ownerOf(key))).findFirst().orElseThrow();
            MapContainer container = new MapContainer("expiry", MapConfig.defaults(), primary.topology().table().partitionCount());
            Record live = new Record(codec.serializeKey(key), codec.serialize(key.equals("gone") ? 5 : 6), 1, 1);
            primary.entryEvents().observer().onChange(container, maps.get(0).partitionOf(key), Bytes.wrap(codec.serializeKey(key)),
                    live, new Record(codec.serializeKey(key), null, 2, 2), key.equals("gone") ? ChangeCause.EXPIRED : ChangeCause.EVICTED);
        }
        awaitExactly(r, 2);
        EntryEvent<String, Integer> expired = r.ofKey("gone").get(0);
        assertThat(expired.type()).isEqualTo(EntryEventType.EXPIRED);
        assertThat(expired.oldValue()).isEqualTo(5);
        assertThat(expired.value()).isNull();
        assertThat(expired.source()).isEqualTo(maps.get(0).ownerOf("gone"));
        EntryEvent<String, Integer> evicted = r.ofKey("pushed").get(0);
        assertThat(evicted.type()).isEqualTo(EntryEventType.EVICTED);
        assertThat(evicted.oldValue()).isEqualTo(6);
    }

    @Test
    void failingListener_isCounted_andOthersStillReceive() {
        List<GridMap<String, Integer>> maps = maps("failing");
        TesseraGrid member = cluster.member(1);
        long failuresBefore = member.entryEvents().stats().listenerFailures();
        registrations.add(maps.get(1).addEntryListener(e -> {
            throw new IllegalStateException("listener bug");
        }, false));
        Recorder ok = listen(maps.get(1), false);
        for (int i = 0; i < 25; i++) {
            maps.get(i % 3).put("k" + i, i);
        }
        awaitExactly(ok, 25);
        await().atMost(WAIT).until(() -> member.entryEvents().stats().listenerFailures() - failuresBefore == 25);
    }

    @SuppressWarnings("try") // the registration lives as long as the try; the body never needs it
    @Test
    void memberJoiningAfterRegistration_publishesToTheEarlierListener() {
        try (TestCluster small = TestCluster.start(2)) {
            GridMap<String, Integer> first = small.member(0).map("joined");
            Recorder r = new Recorder(e -> {});
            try (Registration ignored = first.addEntryListener(r, true)) {
                TesseraGrid newcomer = small.addMember();
                small.awaitStable();
                GridMap<String, Integer> map = newcomer.map("joined");
                List<String> keys = keysOwnedBy(map, newcomer.localMember(), 30);
                keys.forEach(k -> map.put(k, 7));
                awaitExactly(r, 30);
                assertThat(r.events()).allSatisfy(e -> {
                    assertThat(e.type()).isEqualTo(EntryEventType.ADDED);
                    assertThat(e.value()).isEqualTo(7);
                    assertThat(e.source()).isEqualTo(newcomer.localMember());
                });
                assertThat(r.events()).extracting(EntryEvent::key).containsExactlyInAnyOrderElementsOf(keys);
            }
        }
    }

    // ---- helpers ----

    private List<GridMap<String, Integer>> maps(String name) {
        return cluster.members().stream().map(g -> g.<String, Integer>map(name)).toList();
    }

    private Recorder listen(GridMap<String, Integer> map, boolean values) {
        Recorder r = new Recorder(e -> {});
        registrations.add(map.addEntryListener(r, values));
        return r;
    }

    /** Waits until {@code r} has {@code n} events and still has exactly {@code n} a moment later. */
    private static void awaitExactly(Recorder r, int n) {
        await().atMost(WAIT).until(() -> r.events().size() >= n);
        await().during(QUIET).atMost(WAIT).until(() -> r.events().size() == n);
    }

    private long totalEventMessages() {
        return cluster.members().stream().mapToLong(g -> g.entryEvents().stats().messagesSent()).sum();
    }

    private long totalPublished() {
        return cluster.members().stream().mapToLong(g -> g.entryEvents().stats().published()).sum();
    }

    private static List<String> keysOwnedBy(GridMap<String, Integer> map, Member owner, int n) {
        return IntStream.range(0, 100_000).mapToObj(i -> "key" + i).filter(k -> map.ownerOf(k).equals(owner)).limit(n).toList();
    }

    /** Records every event it receives, after running {@code before} on it. */
    static final class Recorder implements EntryListener<String, Integer> {
        private final List<EntryEvent<String, Integer>> events = Collections.synchronizedList(new ArrayList<>());
        private final java.util.function.Consumer<EntryEvent<String, Integer>> before;

        Recorder(java.util.function.Consumer<EntryEvent<String, Integer>> before) {
            this.before = before;
        }

        @Override
        public void onEvent(EntryEvent<String, Integer> event) {
            before.accept(event);
            events.add(event);
        }

        List<EntryEvent<String, Integer>> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        List<EntryEvent<String, Integer>> ofKey(String key) {
            return events().stream().filter(e -> e.key().equals(key)).toList();
        }
    }
}
