package dev.tessera.grid.core.mapstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridException;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.MapStoreConfig;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Write-behind: batched, coalesced, bounded, retried, and not lost when a primary dies. */
class WriteBehindTest {
    private static final Logger log = LoggerFactory.getLogger(WriteBehindTest.class);

    private static MapConfig behind(Duration delay, int batch, int capacity) {
        return MapConfig.builder().mapStore(new MapStoreConfig("db", MapStoreConfig.WriteMode.WRITE_BEHIND, delay, batch, capacity))
                .build();
    }

    @Test
    void thousandPutsOfHundredKeys_coalesceIntoOneStorePerKey_andTheLastValuesAreStored() {
        H2Store db = new H2Store();
        Duration delay = Duration.ofSeconds(4);
        MapConfig config = behind(delay, 30, 10_000);
        try (TestCluster cluster = TestCluster.start(3, b -> b.mapStore("db", db))) {
            GridMap<String, String> map = cluster.member(0).map("wb", config);
            long start = System.nanoTime();
            for (int round = 0; round < 10; round++) {
                Map<String, String> batch = new HashMap<>();
                for (int k = 0; k < 100; k++) {
                    batch.put("k" + k, "r" + round);
                }
                map.putAll(batch); // 100 sets in parallel; the next round starts after all were acknowledged
            }
            long writeMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(writeMillis).as("the puts must finish within one writeDelay for this test to measure coalescing")
                    .isLessThan(delay.toMillis());
            assertThat(db.rows()).as("nothing is stored before writeDelay").isEmpty();
            await().atMost(Duration.ofSeconds(20)).until(() -> db.rows().size() == 100);
            db.rows().forEach((k, v) -> assertThat(v).as(k).isEqualTo("r9"));
            assertThat(db.storedEntries.get()).as("entries stored for 1,000 puts of 100 keys").isEqualTo(100);
            assertThat(db.largestBatch.get()).as("largest storeAll batch").isLessThanOrEqualTo(30);
            assertThat(db.stores.get()).as("single store calls").isZero();
            // the primaries told the backups what is stored: no dirty marks remain
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.members().stream()
                    .mapToInt(g -> g.mapStores().dirtyMarks("wb") + g.mapStores().pendingWrites("wb")).sum() == 0);
            log.info("write-behind: 1000 puts in {} ms, {} storeAll calls", writeMillis, db.storeAllCalls.get());
        }
    }

    @Test
    void deletesAndClearAreQueuedToo_andTheDatabaseEndsWithTheMapsContent() {
        H2Store db = new H2Store();
        db.insert("loaded", "from-db");
        MapConfig config = behind(Duration.ofMillis(200), 1000, 10_000);
        try (TestCluster cluster = TestCluster.start(2, b -> b.mapStore("db", db))) {
            GridMap<String, String> map = cluster.member(1).map("wb", config);
            assertThat(map.get("loaded")).isEqualTo("from-db");
            for (int k = 0; k < 50; k++) {
                map.put("k" + k, "v" + k);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> db.rows().size() == 51);
            for (int k = 0; k < 50; k += 2) {
                map.delete("k" + k);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> db.rows().size() == 26);
            assertThat(db.rows()).isEqualTo(new HashMap<>(map));
            assertThat(db.deletes.get()).isEqualTo(25);
            assertThat(db.storedEntries.get()).as("stored entries: 50 puts; the loaded value is not written back").isEqualTo(50);
            // the backup dropped its dirty marks: of the flushed writes and of the loaded value
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.members().stream()
                    .mapToInt(g -> g.mapStores().dirtyMarks("wb")).sum() == 0);
            map.clear();
            await().atMost(Duration.ofSeconds(10)).until(() -> db.rows().isEmpty());
            assertThat(db.deletes.get()).as("deletes: 25, then 26 by clear").isEqualTo(51);
        }
    }

    @Test
    void memberJoiningWhileWritesWait_movesPrimaries_andEveryAcknowledgedWriteIsStored() {
        H2Store db = new H2Store();
        MapConfig config = behind(Duration.ofSeconds(3), 100, 10_000);
        try (TestCluster cluster = TestCluster.start(2, b -> b.mapStore("db", db))) {
            GridMap<String, String> map = cluster.member(0).map("wb", config);
            Map<String, String> acknowledged = new HashMap<>();
            for (int k = 0; k < 200; k++) {
                map.set("k" + k, "v" + k);
                acknowledged.put("k" + k, "v" + k);
            }
            TesseraGrid joiner = cluster.addMember();
            joiner.map("wb", config);
            cluster.awaitStable();
            long moved = acknowledged.keySet().stream().filter(k -> map.ownerOf(k).equals(joiner.localMember())).count();
            assertThat(moved).as("keys whose primary moved to the new member").isGreaterThan(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> db.rows().equals(acknowledged));
            log.info("join during write-behind: {} keys moved, {} entries stored for 200 writes (at-least-once)", moved,
                    db.storedEntries.get());
        }
    }

    @Test
    void storeFailures_areRetried_untilEveryValueIsStored() {
        H2Store db = new H2Store();
        MapConfig config = behind(Duration.ofMillis(100), 1000, 10_000);
        try (TestCluster cluster = TestCluster.start(3, b -> b.mapStore("db", db))) {
            GridMap<String, String> map = cluster.member(2).map("wb", config);
            db.failing.set(true);
            Map<String, String> expected = new HashMap<>();
            for (int k = 0; k < 50; k++) {
                map.set("k" + k, "v" + k); // set: no read-through of the previous value, which the failing store would refuse
                expected.put("k" + k, "v" + k);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> db.failedCalls.get() >= 6); // several failed, retried flushes
            assertThat(db.rows()).isEmpty();
            db.failing.set(false);
            await().atMost(Duration.ofSeconds(20)).until(() -> db.rows().equals(expected));
            log.info("write-behind recovered after {} failed store calls", db.failedCalls.get());
        }
    }

    @Test
    void fullQueue_refusesAWriteOfANewKey_beforeApplyingIt() {
        H2Store db = new H2Store();
        MapConfig config = behind(Duration.ofMinutes(5), 1000, 10);
        try (TestCluster cluster = TestCluster.start(1, b -> b.mapStore("db", db))) {
            GridMap<String, String> map = cluster.member(0).map("wb", config);
            for (int k = 0; k < 10; k++) {
                map.put("k" + k, "v");
            }
            assertThatThrownBy(() -> map.put("k10", "v")).isInstanceOf(GridException.class)
                    .hasMessageContaining("write-behind queue").hasMessageContaining("writeQueueCapacity 10");
            assertThat(map.containsKey("k10")).isFalse();
            assertThat(map.put("k3", "again")).as("a queued key still coalesces").isEqualTo("v");
            assertThat(cluster.member(0).mapStores().pendingWrites("wb")).isEqualTo(10);
            assertThat(db.rows()).isEmpty();
        }
    }

    @Test
    void primaryCrashBeforeTheFlush_theNewPrimaryStoresEveryAcknowledgedWrite() {
        H2Store db = new H2Store();
        Duration delay = Duration.ofSeconds(5);
        MapConfig config = behind(delay, 100, 10_000);
        try (TestCluster cluster = TestCluster.start(3, b -> b.mapStore("db", db))) {
            TesseraGrid writer = cluster.member(0);
            TesseraGrid victim = cluster.member(1);
            GridMap<String, String> map = writer.map("wb", config);
            Map<String, String> acknowledged = new HashMap<>();
            int onVictim = 0;
            long start = System.nanoTime();
            for (int k = 0; k < 300; k++) {
                map.put("k" + k, "v" + k);
                acknowledged.put("k" + k, "v" + k);
                if (map.ownerOf("k" + k).name().equals(victim.localMember().name())) {
                    onVictim++;
                }
            }
            assertThat(onVictim).as("keys whose primary is crashed").isGreaterThan(0);
            assertThat(victim.mapStores().pendingWrites("wb")).as("victim's queued writes").isEqualTo(onVictim);
            assertThat((System.nanoTime() - start) / 1_000_000).as("writes finished before the flush").isLessThan(delay.toMillis());
            assertThat(db.rows()).as("stored before the crash").isEmpty();
            cluster.crash(1);
            await().atMost(Duration.ofSeconds(40)).until(() -> db.rows().size() == acknowledged.size());
            assertThat(db.rows()).isEqualTo(acknowledged);
            log.info("after the crash: {} keys had the victim as primary; {} entries stored in all", onVictim, db.storedEntries.get());
        }
    }
}
