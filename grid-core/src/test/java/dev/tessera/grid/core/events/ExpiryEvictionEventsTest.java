package dev.tessera.grid.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.EntryEvent;
import dev.tessera.grid.EntryEventType;
import dev.tessera.grid.EvictionConfig;
import dev.tessera.grid.EvictionPolicy;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.Registration;
import dev.tessera.grid.testkit.GridInvariantsExtension;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Expiry and eviction, decided by primaries, reach a cluster-wide listener on another member as events. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(GridInvariantsExtension.class) // the grid's invariants after every test, on the class's shared cluster(s)
class ExpiryEvictionEventsTest {
    private TestCluster cluster;

    @BeforeAll
    void start() {
        cluster = TestCluster.start(2);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @SuppressWarnings("try") // the registration lives as long as the try; the body never needs it
    @Test
    void expiredEntries_areReportedAsExpired_withTheirLastValue() {
        MapConfig config = MapConfig.builder().timeToLive(Duration.ofMillis(300)).build();
        GridMap<String, Integer> writer = cluster.member(0).map("ttl-events", config);
        GridMap<String, Integer> listening = cluster.member(1).map("ttl-events", config);
        List<EntryEvent<String, Integer>> events = Collections.synchronizedList(new ArrayList<>());
        try (Registration r = listening.addEntryListener(events::add, true)) {
            for (int i = 0; i < 40; i++) {
                writer.put("k" + i, i);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> count(events, EntryEventType.EXPIRED) == 40);
            assertThat(count(events, EntryEventType.ADDED)).isEqualTo(40);
            synchronized (events) {
                assertThat(events).filteredOn(e -> e.type() == EntryEventType.EXPIRED)
                        .allSatisfy(e -> assertThat(e.oldValue()).isEqualTo(Integer.parseInt(e.key().substring(1))));
            }
            assertThat(writer.size()).isZero();
        }
    }

    @SuppressWarnings("try") // the registration lives as long as the try; the body never needs it
    @Test
    void evictedEntries_areReportedAsEvicted_oncePerEviction() {
        MapConfig config = MapConfig.builder().eviction(EvictionConfig.maxEntries(EvictionPolicy.LRU, 50)).build();
        GridMap<String, Integer> writer = cluster.member(0).map("evict-events", config);
        GridMap<String, Integer> listening = cluster.member(1).map("evict-events", config);
        List<EntryEvent<String, Integer>> events = Collections.synchronizedList(new ArrayList<>());
        try (Registration r = listening.addEntryListener(events::add, false)) {
            for (int i = 0; i < 500; i++) {
                writer.set("k" + i, i);
            }
            // ~250 keys per member, each member keeps exactly its bound of 50: 400 evictions in all
            await().atMost(Duration.ofSeconds(20)).until(() -> evictions("evict-events") == 400);
            await().atMost(Duration.ofSeconds(20)).until(() -> count(events, EntryEventType.EVICTED) == 400);
            assertThat(count(events, EntryEventType.ADDED)).isEqualTo(500);
            assertThat(writer.size()).isEqualTo(100);
        }
    }

    private long evictions(String map) {
        return cluster.members().stream().mapToLong(g -> g.introspection().localMapStats().get(map).evictions()).sum();
    }

    private static long count(List<EntryEvent<String, Integer>> events, EntryEventType type) {
        synchronized (events) {
            return events.stream().filter(e -> e.type() == type).count();
        }
    }
}
