package dev.tessera.grid.core.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.EntryEvent;
import dev.tessera.grid.EntryEventType;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.Registration;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.GridInvariantsExtension;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** putAll sends one message per partition, and still behaves as one set per entry: copies, events, near caches. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(GridInvariantsExtension.class) // the grid's invariants after every test, on the class's shared cluster(s)
class PutAllTest {
    private static final int ENTRIES = 3_000;
    private TestCluster cluster;

    @BeforeAll
    void start() {
        cluster = TestCluster.start(3);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @SuppressWarnings("try") // the registration lives as long as the try; the body never needs it
    @Test
    void putAll_groupsByPartition_andEveryEntryIsStoredBackedUpAndPublished() {
        GridMap<String, Integer> writer = cluster.member(0).map("bulk");
        GridMap<String, Integer> reader = cluster.member(2).map("bulk");
        List<EntryEvent<String, Integer>> events = Collections.synchronizedList(new ArrayList<>());
        Map<String, Integer> data = new HashMap<>();
        for (int i = 0; i < ENTRIES; i++) {
            data.put("k" + i, i);
        }
        try (Registration r = reader.addEntryListener(events::add, false)) {
            TesseraGrid sender = cluster.member(0);
            long before = sender.messagesSent();
            writer.putAll(data);
            long sent = sender.messagesSent() - before;
            // one PUT_ALL per remote partition (~181 of 271) plus one copy per partition this member is primary of
            // (~90): far below the one-message-per-entry of single sets (>= 3,000)
            assertThat(sent).isLessThanOrEqualTo(2L * 271);

            data.forEach((k, v) -> assertThat(reader.get(k)).isEqualTo(v));
            assertThat(cluster.copyCounts("bulk")).containsExactly((long) ENTRIES, (long) ENTRIES);
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= ENTRIES);
            synchronized (events) {
                assertThat(events).hasSize(ENTRIES).allSatisfy(e -> assertThat(e.type()).isEqualTo(EntryEventType.ADDED));
            }
        }
    }

    @Test
    void putAll_replacesNearCachedValues_onEveryMember() {
        MapConfig near = MapConfig.builder().nearCache(NearCacheConfig.of(10_000)).build();
        GridMap<String, String> writer = cluster.member(0).map("bulk-near", near);
        GridMap<String, String> reader = cluster.member(1).map("bulk-near", near);
        Map<String, String> v1 = new HashMap<>();
        Map<String, String> v2 = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            v1.put("n" + i, "one");
            v2.put("n" + i, "two");
        }
        writer.putAll(v1);
        v1.keySet().forEach(k -> {
            assertThat(reader.get(k)).isEqualTo("one");
            assertThat(writer.get(k)).isEqualTo("one"); // cached on both members where remote
        });
        writer.putAll(v2);
        v2.keySet().forEach(k -> assertThat(writer.get(k)).as("the writer's own reads").isEqualTo("two"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                v2.keySet().forEach(k -> assertThat(reader.get(k)).isEqualTo("two")));
    }

    @Test
    void putAll_rejectsNullValues_withoutWritingAnything() {
        GridMap<String, String> map = cluster.member(0).map("bulk-null");
        Map<String, String> data = new HashMap<>();
        data.put("a", "1");
        data.put("b", null);
        assertThatThrownBy(() -> map.putAll(data)).isInstanceOf(NullPointerException.class);
        assertThat(map.size()).isZero();
    }
}
