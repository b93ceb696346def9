package dev.tessera.grid.core.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridIntrospection.MapStats;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Time-to-live and max-idle: expired entries are never returned (primary, backup, near cache, scans,
 * conditional writes), and the primary removes them with their backup copies, without reads.
 */
class ExpiryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void mapTtl_entriesAreNeverReadAfterExpiry_andEveryCopyIsRemoved() {
        try (TestCluster cluster = TestCluster.start(2)) {
            MapConfig config = MapConfig.builder().backups(1).timeToLive(Duration.ofSeconds(10)).build();
            List<GridMap<String, Integer>> maps = maps(cluster, "ttl", config);
            List<String> keys = keys(100);
            keys.forEach(k -> maps.get(0).set(k, 1));
            assertThat(maps.get(1).size()).isEqualTo(100);
            assertThat(cluster.copyCounts("ttl")).containsExactly(100L, 100L);
            // Every read that starts after the last write's time-to-live must miss, from either member.
            cluster.time().advance(Duration.ofSeconds(10));
            for (GridMap<String, Integer> m : maps) {
                keys.forEach(k -> assertThat(m.get(k)).as("%s after its ttl", k).isNull());
                assertThat(m.size()).isZero();
                assertThat(m.entrySet()).isEmpty();
            }
            // The primaries remove every copy, backups included, without any further read.
            await().atMost(WAIT).until(() -> cluster.copyCounts("ttl").equals(List.of(0L, 0L)));
            assertThat(sum(cluster, "ttl", MapStats::expirations)).isEqualTo(100);
        }
    }

    @Test
    void perEntryTtl_onMapWithoutExpiry_expiresOnlyThatEntry() {
        try (TestCluster cluster = TestCluster.start(2)) {
            GridMap<String, String> map = cluster.member(0).map("per-entry");
            map.put("short", "a", Duration.ofMillis(300));
            map.set("short2", "b", Duration.ofMillis(300));
            map.put("forever", "c");
            assertThat(map.get("short")).isEqualTo("a");
            await().atMost(WAIT).until(() -> map.get("short") == null && map.get("short2") == null);
            assertThat(map.get("forever")).isEqualTo("c");
            await().atMost(WAIT).until(() -> cluster.copyCounts("per-entry").equals(List.of(1L, 1L)));
            assertThat(sum(cluster, "per-entry", MapStats::expirations)).isEqualTo(2);
            // A conditional write sees an expired entry as absent.
            map.put("short", "a", Duration.ofMillis(100));
            await().atMost(WAIT).until(() -> map.get("short") == null);
            assertThat(map.putIfAbsent("short", "again")).isNull();
            assertThat(map.get("short")).isEqualTo("again");
        }
    }

    @Test
    void maxIdle_readsKeepAnEntryAlive_andWithoutReadsItExpires() {
        try (TestCluster cluster = TestCluster.start(2)) {
            MapConfig config = MapConfig.builder().maxIdle(Duration.ofMillis(400)).build();
            GridMap<String, String> map = cluster.member(0).map("idle", config);
            map.put("read", "r");
            map.put("unread", "u");
            // Read "read" every 100 ms for 1.5 s of the members' time: well past its idle time, it stays.
            for (int i = 0; i < 15; i++) {
                assertThat(map.get("read")).isEqualTo("r");
                cluster.time().advance(Duration.ofMillis(100));
            }
            assertThat(map.containsKey("unread")).isFalse();
            assertThat(map.get("read")).isEqualTo("r");
            await().atMost(WAIT).until(() -> cluster.copyCounts("idle").equals(List.of(1L, 1L)));
        }
    }

    @Test
    void readFromBackup_copyLookingIdle_asksThePrimary_whichKeptItAlive() {
        try (TestCluster cluster = TestCluster.start(2)) {
            MapConfig config = MapConfig.builder().readFromBackup(true).maxIdle(Duration.ofMillis(500)).build();
            TesseraGrid m0 = cluster.member(0);
            TesseraGrid m1 = cluster.member(1);
            GridMap<String, String> atBackup = m0.map("idle-backup", config);
            GridMap<String, String> atPrimary = m1.map("idle-backup", config);
            String key = IntStream.range(0, 1000).mapToObj(i -> "k" + i)
                    .filter(k -> atPrimary.ownerOf(k).equals(m1.localMember())).findFirst().orElseThrow();
            atPrimary.put(key, "v");
            for (int i = 0; i < 12; i++) { // 1.2 s of reads at the primary; its backup copy does not see them
                assertThat(atPrimary.get(key)).isEqualTo("v");
                cluster.time().advance(Duration.ofMillis(100));
            }
            long sent = m0.messagesSent();
            assertThat(atBackup.get(key)).as("read at the backup of an entry kept alive at the primary").isEqualTo("v");
            assertThat(m0.messagesSent()).as("the backup asked the primary").isGreaterThan(sent);
            // A fresh write makes the backup's copy young again: read locally, without a message.
            atPrimary.put(key, "w");
            await().atMost(WAIT).until(() -> {
                long before = m0.messagesSent();
                return "w".equals(atBackup.get(key)) && m0.messagesSent() == before;
            });
        }
    }

    @Test
    void nearCache_neverServesAValuePastItsExpiry() {
        try (TestCluster cluster = TestCluster.start(2)) {
            MapConfig config = MapConfig.builder().nearCache(NearCacheConfig.of(1000)).timeToLive(Duration.ofSeconds(10)).build();
            TesseraGrid reader = cluster.member(0);
            GridMap<String, Integer> map = reader.map("near-ttl", config);
            List<String> remote = keys(200).stream().filter(k -> !map.ownerOf(k).equals(reader.localMember())).limit(20).toList();
            remote.forEach(k -> map.set(k, 7));
            await().atMost(WAIT).until(() -> {
                remote.forEach(map::get);
                return reader.introspection().nearCacheStats().get("near-ttl").entries() == remote.size();
            });
            long hits = reader.introspection().nearCacheStats().get("near-ttl").hits();
            remote.forEach(k -> assertThat(map.get(k)).isEqualTo(7));
            assertThat(reader.introspection().nearCacheStats().get("near-ttl").hits()).isEqualTo(hits + remote.size());
            // From the ttl on, before the primary's sweep and invalidations can arrive, every read misses.
            cluster.time().advance(Duration.ofSeconds(10));
            remote.forEach(k -> assertThat(map.get(k)).as("%s past its ttl", k).isNull());
        }
    }

    @Test
    void sweep_removesDeadEntriesWithoutReads_examiningAtMostItsBudgetPerTick() {
        try (TestCluster cluster = TestCluster.start(2)) {
            MapConfig config = MapConfig.builder().timeToLive(Duration.ofMillis(300)).build();
            GridMap<Integer, Integer> map = cluster.member(0).map("sweep", config);
            int n = 30_000;
            for (int from = 0; from < n; from += 1_000) {
                Map<Integer, Integer> batch = new HashMap<>();
                for (int i = from; i < from + 1_000; i++) {
                    batch.put(i, i);
                }
                map.putAll(batch);
            }
            await().atMost(WAIT).until(() -> cluster.copyCounts("sweep").equals(List.of(0L, 0L)));
            assertThat(sum(cluster, "sweep", MapStats::expirations)).isEqualTo(n);
            long removals = 0;
            for (TesseraGrid g : cluster.members()) {
                ExpirySweeper.Stats s = g.expiry().sweepStats();
                assertThat(s.mostExaminedInATick()).as("entries examined in one tick").isLessThanOrEqualTo(ExpiryService.SWEEP_BUDGET);
                assertThat(s.examined()).isGreaterThanOrEqualTo(s.removals());
                removals += s.removals();
            }
            assertThat(removals).isEqualTo(n);
            // ~15,000 primary entries per member: some tick had more to examine than its budget and stopped at it.
            assertThat(cluster.members().stream().mapToInt(g -> g.expiry().sweepStats().mostExaminedInATick()).max().orElseThrow())
                    .isEqualTo(ExpiryService.SWEEP_BUDGET);
        }
    }

    @Test
    void primaryCrash_newPrimaryExpiresTheEntries_andRemovesTheirCopies() {
        try (TestCluster cluster = TestCluster.start(3)) {
            MapConfig config = MapConfig.builder().backups(1).timeToLive(Duration.ofSeconds(10)).build();
            GridMap<String, Integer> map = cluster.member(0).map("crash", config);
            List<String> keys = keys(300);
            keys.forEach(k -> map.set(k, 1));
            TesseraGrid victim = cluster.member(2);
            long ownedByVictim = keys.stream().filter(k -> map.ownerOf(k).equals(victim.localMember())).count();
            assertThat(ownedByVictim).isPositive();
            cluster.crash(2);
            cluster.awaitStable();
            assertThat(map.size()).as("nothing lost or expired yet").isEqualTo(300);
            await().atMost(WAIT).until(() -> cluster.copyCounts("crash").equals(List.of(0L, 0L)));
            assertThat(sum(cluster, "crash", MapStats::expirations)).as("expired by the survivors").isEqualTo(300);
            keys.forEach(k -> assertThat(map.get(k)).isNull());
        }
    }

    private static List<String> keys(int n) {
        return IntStream.range(0, n).mapToObj(i -> "k" + i).toList();
    }

    private static <V> List<GridMap<String, V>> maps(TestCluster cluster, String name, MapConfig config) {
        List<GridMap<String, V>> out = new ArrayList<>();
        cluster.members().forEach(g -> out.add(g.map(name, config)));
        return out;
    }

    static long sum(TestCluster cluster, String map, java.util.function.ToLongFunction<MapStats> stat) {
        long n = 0;
        for (TesseraGrid g : cluster.members()) {
            MapStats s = g.introspection().localMapStats().get(map);
            n += s == null ? 0 : stat.applyAsLong(s);
        }
        return n;
    }
}
