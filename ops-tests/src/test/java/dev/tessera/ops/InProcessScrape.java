package dev.tessera.ops;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.MapStore;
import dev.tessera.grid.MapStoreConfig;
import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.Transport;
import dev.tessera.grid.micrometer.TesseraMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scrape of a real member, bound as the demo binds it (Tessera's binder and the JVM heap pressure), after
 * operations that make every per-map meter appear: a map with a near cache and one with a write-behind MapStore,
 * on two in-process members so that backups exist.
 */
final class InProcessScrape {
    private InProcessScrape() {}

    static String scrape() {
        String cluster = "scrape-" + UUID.randomUUID();
        Map<String, String> stored = new ConcurrentHashMap<>(Map.of("s1", "one"));
        MapStore<String, String> store = new MapStore<>() {
            @Override
            public String load(String key) {
                return stored.get(key);
            }

            @Override
            public void store(String key, String value) {
                stored.put(key, value);
            }

            @Override
            public void delete(String key) {
                stored.remove(key);
            }
        };
        List<Grid> members = new ArrayList<>();
        try {
            for (int i = 1; i <= 2; i++) {
                members.add(Grid.builder().clusterName(cluster).memberName("m" + i).transport(Transport.inProcess())
                        .mapStore("store", store).shutdownHook(false).start());
            }
            Grid m1 = members.get(0);
            GridMap<String, String> near = m1.map("near", MapConfig.builder().nearCache(NearCacheConfig.of(100)).build());
            GridMap<String, String> stores = m1.map("stored",
                    MapConfig.builder().mapStore(MapStoreConfig.writeBehind("store", Duration.ofHours(1))).build());
            for (int i = 0; i < 20; i++) {
                near.put("k" + i, "v");
                near.get("k" + i);
                near.get("absent" + i);
            }
            near.remove("k0");
            stores.get("s1");
            stores.put("s2", "two");
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (TesseraMetrics metrics = new TesseraMetrics(m1, Duration.ZERO);
                 JvmHeapPressureMetrics heap = new JvmHeapPressureMetrics(Tags.of("cluster", cluster, "member", "m1"),
                         Duration.ofMinutes(5), Duration.ofMinutes(1))) {
                metrics.bindTo(registry);
                heap.bindTo(registry);
                near.get("k1"); // timed once bound
                return registry.scrape();
            } finally {
                registry.close();
            }
        } finally {
            members.forEach(Grid::close);
        }
    }
}
