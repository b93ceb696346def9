package dev.tessera.grid.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.Grid;
import dev.tessera.grid.testkit.TestCluster;
import dev.tessera.grid.GridLoadException;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.MapStore;
import dev.tessera.grid.MapStoreConfig;
import dev.tessera.grid.NearCacheConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three members in this JVM (in-process loopback transport), each bound to a {@link SimpleMeterRegistry}; member
 * m1 also to a {@link PrometheusMeterRegistry}. The meters must show exactly the operations the test performed.
 */
class TesseraMetricsTest {
    private static final int PARTITIONS = 271;
    private static TestCluster cluster;
    private static String clusterName;
    private static final Map<String, String> STORED = new ConcurrentHashMap<>(Map.of("s1", "one", "s2", "two", "s3", "three"));
    private static final List<Grid> members = new ArrayList<>();
    private static final List<SimpleMeterRegistry> registries = new ArrayList<>();
    private static final List<TesseraMetrics> binders = new ArrayList<>();
    private static PrometheusMeterRegistry prometheus;

    /** Loads from {@link #STORED}, fails for "bad"; keeps write-behind writes waiting an hour. */
    static final class Store implements MapStore<String, String> {
        @Override
        public String load(String key) {
            if (key.equals("bad")) {
                throw new IllegalStateException("the store is down for key 'bad'");
            }
            return STORED.get(key);
        }

        @Override
        public void store(String key, String value) {
            STORED.put(key, value);
        }

        @Override
        public void delete(String key) {
            STORED.remove(key);
        }
    }

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start(3, b -> b.partitionCount(PARTITIONS).mapStore("store", new Store()).shutdownHook(false));
        members.addAll(cluster.members());
        clusterName = members.get(0).introspection().clusterName();
        for (Grid g : members) {
            SimpleMeterRegistry r = new SimpleMeterRegistry();
            TesseraMetrics binder = new TesseraMetrics(g, Duration.ZERO);
            binder.bindTo(r);
            registries.add(r);
            binders.add(binder);
        }
        prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        binders.get(0).bindTo(prometheus);
    }

    @AfterAll
    static void stopCluster() {
        binders.forEach(TesseraMetrics::close);
        cluster.close();
    }

    @Test
    void mapOperations_areCountedExactly_inBothRegistries() {
        Grid m1 = members.get(0);
        GridMap<String, Integer> orders = m1.map("orders");
        for (int i = 0; i < 20; i++) {
            orders.put("k" + i, i);
        }
        for (int i = 20; i < 25; i++) {
            orders.putAsync("k" + i, i).join();
        }
        Map<String, Integer> batch = new HashMap<>();
        for (int i = 25; i < 35; i++) {
            batch.put("k" + i, i);
        }
        orders.putAll(batch); // 10 puts
        for (int i = 0; i < 20; i++) {
            assertThat(orders.get("k" + i)).isEqualTo(i); // 20 hits
        }
        assertThat(orders.getAsync("k30").join()).isEqualTo(30); // 21 hits
        for (int i = 0; i < 7; i++) {
            assertThat(orders.get("absent" + i)).isNull(); // 7 misses
        }
        for (int i = 0; i < 4; i++) {
            orders.remove("k" + i);
        }
        orders.delete("k4"); // 5 removes; 30 entries remain

        SimpleMeterRegistry r = registries.get(0);
        Tags map = Tags.of("map", "orders");
        assertThat(r.get("tessera.map.puts").tags(map).timer().count()).isEqualTo(35);
        assertThat(r.get("tessera.map.gets").tags(map).tag("result", "hit").timer().count()).isEqualTo(21);
        assertThat(r.get("tessera.map.gets").tags(map).tag("result", "miss").timer().count()).isEqualTo(7);
        assertThat(r.get("tessera.map.removes").tags(map).timer().count()).isEqualTo(5);
        assertThat(r.get("tessera.map.puts").tags(map).timer().totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
                .isPositive();
        // the other members did not operate on the map
        assertThat(registries.get(1).find("tessera.map.puts").tags(map).timer()).satisfiesAnyOf(
                t -> assertThat(t).isNull(), t -> assertThat(t.count()).isZero());
        assertThat(m1.introspection().mapOperations().get("orders"))
                .isEqualTo(new dev.tessera.grid.GridIntrospection.MapOperations(21, 7, 35, 5));

        // the entries, as stored across the cluster: 30 primaries and, with one backup, 30 backup copies
        assertThat(sum("tessera.map.entries", Tags.of("map", "orders", "replica", "primary"), g -> g.gauge().value()))
                .isEqualTo(30);
        assertThat(sum("tessera.map.entries", Tags.of("map", "orders", "replica", "backup"), g -> g.gauge().value()))
                .isEqualTo(30);
        assertThat(r.get("tessera.map.heap").tags(map).gauge().value()).isEqualTo(
                (double) m1.introspection().localMapStats().get("orders").heapCostBytes());

        prometheus.scrape(); // registers the meters of maps new since the last scrape
        String text = prometheus.scrape();
        String m1Tags = "cluster=\"" + clusterName + "\",map=\"orders\",member=\"m1\"";
        assertThat(value(text, "tessera_map_puts_seconds_count{" + m1Tags + "}")).isEqualTo(35);
        assertThat(value(text, "tessera_map_gets_seconds_count{" + m1Tags + ",result=\"hit\"}")).isEqualTo(21);
        assertThat(value(text, "tessera_map_gets_seconds_count{" + m1Tags + ",result=\"miss\"}")).isEqualTo(7);
        assertThat(value(text, "tessera_map_removes_seconds_count{" + m1Tags + "}")).isEqualTo(5);
        assertThat(value(text, "tessera_map_entries{" + m1Tags + ",replica=\"primary\"}"))
                .isEqualTo(m1.introspection().localMapStats().get("orders").primaryEntries());
        assertThat(text).contains("tessera_map_gets_seconds_max{", "tessera_map_gets_seconds_sum{", "tessera_map_heap_bytes{",
                "tessera_map_evictions_total{", "tessera_map_expirations_total{");
    }

    @Test
    void memberMeters_describeTheStableCluster() {
        members.get(0).map("orders"); // one map with one backup on every member that names it
        members.get(1).map("orders");
        members.get(2).map("orders");
        for (int i = 0; i < 3; i++) {
            SimpleMeterRegistry r = registries.get(i);
            assertThat(r.get("tessera.members").gauge().value()).isEqualTo(3);
            assertThat(r.get("tessera.partitions.migrating").gauge().value()).isZero();
            assertThat(r.get("tessera.partitions.underreplicated").gauge().value()).isZero();
            assertThat(r.get("tessera.table.version").gauge().value())
                    .isEqualTo(members.get(i).introspection().partitionTable().version()).isPositive();
            assertThat(r.get("tessera.maps.limit").gauge().value()).isEqualTo(1000);
            assertThat(r.get("tessera.maps").gauge().value())
                    .isEqualTo(members.get(i).introspection().localMapStats().size()).isGreaterThanOrEqualTo(1);
            assertThat(r.get("tessera.operations.retries").functionCounter().count()).isZero();
            assertThat(r.get("tessera.operations.timeouts").functionCounter().count()).isZero();
            var rejected = members.get(i).introspection().rejectedMessages(); // frames of joiners may count
            assertThat(r.get("tessera.messages.rejected").tag("reason", "non-member").functionCounter().count())
                    .isEqualTo(rejected.fromNonMembers());
            assertThat(r.get("tessera.messages.rejected").tag("reason", "malformed").functionCounter().count())
                    .isEqualTo(rejected.malformed()).isZero();
            assertThat(r.get("tessera.messages.rejected").tag("reason", "not-permitted").functionCounter().count())
                    .isEqualTo(rejected.notPermitted()).isZero();
            assertThat(r.get("tessera.members").gauge().getId().getTag("member")).isEqualTo("m" + (i + 1));
            assertThat(r.get("tessera.members").gauge().getId().getTag("cluster")).isEqualTo(clusterName);
        }
        // every partition has one primary and, for a map with one backup, one backup that the map uses
        assertThat(sum("tessera.partitions", Tags.of("role", "primary"), m -> m.gauge().value())).isEqualTo(PARTITIONS);
        if (members.stream().allMatch(g -> g.introspection().localMapStats().keySet().stream()
                .allMatch(n -> n.equals("orders") || n.equals("near") || n.equals("stored")))) {
            assertThat(sum("tessera.partitions", Tags.of("role", "backup"), m -> m.gauge().value())).isEqualTo(PARTITIONS);
        }
        String text = prometheus.scrape();
        for (String series : List.of("tessera_members{", "tessera_partitions{", "tessera_partitions_migrating{",
                "tessera_partitions_underreplicated{", "tessera_table_version{", "tessera_messages_rejected_total{",
                "tessera_operations_retries_total{", "tessera_operations_timeouts_total{", "tessera_maps{",
                "tessera_maps_limit{")) {
            assertThat(text).contains(series);
        }
        assertThat(value(text, "tessera_partitions{cluster=\"" + clusterName + "\",member=\"m1\",role=\"primary\"}"))
                .isEqualTo(members.get(0).introspection().ownership().primaries());
    }

    @Test
    void nearCache_countsHitsMissesAndInvalidations() {
        MapConfig config = MapConfig.builder().nearCache(NearCacheConfig.of(100)).build();
        GridMap<String, String> writer = members.get(1).map("near", config);
        GridMap<String, String> reader = members.get(0).map("near", config);
        String key = keyNotOwnedBy(reader, members.get(0), "n");
        writer.put(key, "v1");
        // the first reads may race the invalidation of that write (then the value is not cached): read until cached
        await().atMost(Duration.ofSeconds(10)).until(() -> "v1".equals(reader.get(key))
                && members.get(0).introspection().nearCacheStats().get("near").entries() == 1);
        SimpleMeterRegistry r = registries.get(0);
        scrapeAll();
        Tags near = Tags.of("map", "near");
        double hits = r.get("tessera.nearcache.requests").tags(near).tag("result", "hit").functionCounter().count();
        double misses = r.get("tessera.nearcache.requests").tags(near).tag("result", "miss").functionCounter().count();
        assertThat(misses).isPositive();
        assertThat(reader.get(key)).isEqualTo("v1"); // hit
        assertThat(reader.get(key)).isEqualTo("v1"); // hit
        assertThat(r.get("tessera.nearcache.requests").tags(near).tag("result", "miss").functionCounter().count())
                .isEqualTo(misses);
        assertThat(r.get("tessera.nearcache.requests").tags(near).tag("result", "hit").functionCounter().count())
                .isEqualTo(hits + 2);
        double invalidations = r.get("tessera.nearcache.invalidations").tags(near).functionCounter().count();
        writer.put(key, "v2"); // the primary invalidates the reader's copy
        await().atMost(Duration.ofSeconds(10)).until(() ->
                r.get("tessera.nearcache.invalidations").tags(near).functionCounter().count() == invalidations + 1);
        prometheus.scrape();
        assertThat(value(prometheus.scrape(), "tessera_nearcache_requests_total{cluster=\"" + clusterName
                + "\",map=\"near\",member=\"m1\",result=\"hit\"}")).isEqualTo(hits + 2);
    }

    @Test
    void mapStore_countsLoadsFailuresAndTheWriteBehindQueue() {
        MapConfig config = MapConfig.builder().mapStore(MapStoreConfig.writeBehind("store", Duration.ofHours(1))).build();
        members.forEach(g -> g.map("stored", config));
        GridMap<String, String> stored = members.get(0).map("stored", config);
        assertThat(stored.get("s1")).isEqualTo("one");
        assertThat(stored.get("s2")).isEqualTo("two");
        assertThat(stored.get("none")).isNull(); // three loads, on the keys' primaries
        assertThatThrownBy(() -> stored.get("bad")).isInstanceOf(GridLoadException.class); // a fourth, failed
        for (int i = 0; i < 6; i++) {
            stored.set("w" + i, "x"); // six changes waiting an hour for the store
        }
        Tags map = Tags.of("map", "stored");
        assertThat(sum("tessera.mapstore.loads", map, m -> m.functionCounter().count())).isEqualTo(4);
        assertThat(sum("tessera.mapstore.failures", map, m -> m.functionCounter().count())).isEqualTo(1);
        assertThat(sum("tessera.mapstore.writebehind.queue", map, m -> m.gauge().value())).isEqualTo(6);
        prometheus.scrape();
        assertThat(prometheus.scrape()).contains("tessera_mapstore_loads_total{", "tessera_mapstore_failures_total{",
                "tessera_mapstore_writebehind_queue{");
    }

    @Test
    void expirationsAndEvictions_areCounted() {
        MapConfig ttl = MapConfig.builder().timeToLive(Duration.ofMillis(200)).build();
        GridMap<String, String> expiring = members.get(0).map("expiring", ttl);
        for (int i = 0; i < 5; i++) {
            expiring.set("e" + i, "x");
        }
        Tags expiringTag = Tags.of("map", "expiring");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                sum("tessera.map.expirations", expiringTag, m -> m.functionCounter().count()) == 5);

        MapConfig bounded = MapConfig.builder().eviction(dev.tessera.grid.EvictionConfig.maxEntries(10)).build();
        GridMap<String, String> evicting = members.get(0).map("evicting", bounded);
        for (int i = 0; i < 100; i++) {
            evicting.set("v" + i, "x");
        }
        Tags evictingTag = Tags.of("map", "evicting");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            double primaries = sum("tessera.map.entries", evictingTag.and("replica", "primary"), m -> m.gauge().value());
            double evicted = sum("tessera.map.evictions", evictingTag, m -> m.functionCounter().count());
            return evicted > 0 && primaries + evicted == 100; // every entry is either still held or was evicted
        });
    }

    @Test
    void close_removesTheMeters_andStopsTiming() {
        SimpleMeterRegistry own = new SimpleMeterRegistry();
        TesseraMetrics binder = new TesseraMetrics(members.get(2), Duration.ZERO);
        binder.bindTo(own);
        members.get(2).map("closing").put("a", "b");
        assertThat(own.get("tessera.map.puts").tag("map", "closing").timer().count()).isEqualTo(1);
        binder.close();
        assertThat(own.getMeters()).isEmpty();
        members.get(2).map("closing").put("a", "c");
        assertThat(own.getMeters()).isEmpty();
    }

    // ---- helpers ----

    private static String keyNotOwnedBy(GridMap<String, String> map, Grid member, String prefix) {
        for (int i = 0; ; i++) {
            if (!map.ownerOf(prefix + i).equals(member.localMember())) {
                return prefix + i;
            }
        }
    }

    /** The sum over the three members' registries of one meter's value (0 for a member without the meter). */
    private static double sum(String name, Tags tags, ToDoubleFunction<io.micrometer.core.instrument.search.RequiredSearch> f) {
        scrapeAll();
        double total = 0;
        for (MeterRegistry r : registries) {
            if (r.find(name).tags(tags).meter() != null) {
                total += f.applyAsDouble(r.get(name).tags(tags));
            }
        }
        return total;
    }

    /** Reads every registry, as a scrape does: that registers the meters of maps created since the last read. */
    private static void scrapeAll() {
        registries.forEach(r -> r.get("tessera.maps").gauge().value());
    }

    /** The value of one Prometheus series in a scrape. */
    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        assertThat(m.find()).as("series %s in%n%s", series, scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
