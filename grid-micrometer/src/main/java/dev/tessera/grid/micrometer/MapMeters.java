package dev.tessera.grid.micrometer;

import dev.tessera.grid.GridIntrospection.MapOperation;
import dev.tessera.grid.GridIntrospection.MapStats;
import dev.tessera.grid.GridIntrospection.MapStoreStats;
import dev.tessera.grid.GridIntrospection.NearCacheStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The per-map meters of one registry: registered when a map first shows up (in a snapshot or a timed operation),
 * removed when it is gone from the member. Groups (storage, near cache, map store) register independently, since a
 * map's near cache or store binding may appear after the map.
 */
final class MapMeters {
    private final MeterRegistry registry;
    private final Tags common;
    private final Supplier<Snapshot> snapshot;
    /** Per map: its timers, looked up on every timed operation. */
    private final ConcurrentHashMap<String, Timers> timers = new ConcurrentHashMap<>();
    /** Per map and group ("storage", "nearcache", "mapstore"): the gauges and counters registered. */
    private final ConcurrentHashMap<String, Map<String, List<Meter>>> groups = new ConcurrentHashMap<>();
    private volatile boolean closed;

    MapMeters(MeterRegistry registry, Tags common, Supplier<Snapshot> snapshot) {
        this.registry = registry;
        this.common = common;
        this.snapshot = snapshot;
    }

    /** One map's four timers. */
    private record Timers(Timer hits, Timer misses, Timer puts, Timer removes) {
        Timer of(MapOperation op) {
            return switch (op) {
                case GET_HIT -> hits;
                case GET_MISS -> misses;
                case PUT -> puts;
                case REMOVE -> removes;
            };
        }
    }

    void record(String map, MapOperation op, long nanos) {
        Timers t = timers.get(map);
        if (t == null) {
            if (closed) {
                return;
            }
            t = timers.computeIfAbsent(map, this::newTimers);
        }
        t.of(op).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timers newTimers(String map) {
        Tags tags = common.and("map", map);
        return new Timers(
                timer("tessera.map.gets", "Gets of the map on this member", tags.and("result", "hit")),
                timer("tessera.map.gets", "Gets of the map on this member", tags.and("result", "miss")),
                timer("tessera.map.puts", "Writes of a value (put, set, putIfAbsent, replace, each putAll entry)", tags),
                timer("tessera.map.removes", "Removals (remove, delete)", tags));
    }

    private Timer timer(String name, String description, Tags tags) {
        return Timer.builder(name).description(description).tags(tags).register(registry);
    }

    /** Registers the meters of maps new in {@code s}, removes those of maps gone from it. */
    synchronized void refresh(Snapshot s) {
        if (closed) {
            return;
        }
        for (String map : s.maps().keySet()) {
            Map<String, List<Meter>> g = groups.computeIfAbsent(map, m -> new ConcurrentHashMap<>());
            g.computeIfAbsent("storage", x -> storageMeters(map));
            timers.computeIfAbsent(map, this::newTimers);
            if (s.nearCaches().containsKey(map)) {
                g.computeIfAbsent("nearcache", x -> nearCacheMeters(map));
            }
            if (s.stores().containsKey(map)) {
                g.computeIfAbsent("mapstore", x -> storeMeters(map));
            }
        }
        for (String map : List.copyOf(groups.keySet())) {
            if (!s.maps().containsKey(map)) {
                remove(map);
            }
        }
    }

    private List<Meter> storageMeters(String map) {
        Tags tags = common.and("map", map);
        List<Meter> out = new ArrayList<>();
        out.add(gauge("tessera.map.entries", "Entries of the map this member stores", tags.and("replica", "primary"), null,
                map, MapStats::primaryEntries));
        out.add(gauge("tessera.map.entries", "Entries of the map this member stores", tags.and("replica", "backup"), null,
                map, MapStats::backupEntries));
        out.add(gauge("tessera.map.heap", "Estimated heap cost of the primary entries on this member",
                tags.and("replica", "primary"), BaseUnits.BYTES, map, MapStats::heapCostBytes));
        out.add(counter("tessera.map.evictions", "Entries evicted by this member as primary", tags,
                s -> stat(s.maps().get(map), MapStats::evictions)));
        out.add(counter("tessera.map.expirations", "Entries expired by this member as primary", tags,
                s -> stat(s.maps().get(map), MapStats::expirations)));
        return out;
    }

    private List<Meter> nearCacheMeters(String map) {
        Tags tags = common.and("map", map);
        return List.of(
                counter("tessera.nearcache.requests", "Reads of remote keys through the near cache", tags.and("result", "hit"),
                        s -> stat(s.nearCaches().get(map), NearCacheStats::hits)),
                counter("tessera.nearcache.requests", "Reads of remote keys through the near cache", tags.and("result", "miss"),
                        s -> stat(s.nearCaches().get(map), NearCacheStats::misses)),
                counter("tessera.nearcache.invalidations", "Near-cache entries dropped because their primary changed them",
                        tags, s -> stat(s.nearCaches().get(map), NearCacheStats::invalidations)));
    }

    private List<Meter> storeMeters(String map) {
        Tags tags = common.and("map", map);
        return List.of(
                counter("tessera.mapstore.loads", "MapStore.load calls of this member", tags,
                        s -> stat(s.stores().get(map), MapStoreStats::loads)),
                Gauge.builder("tessera.mapstore.writebehind.queue", snapshot,
                                x -> stat(x.get().stores().get(map), MapStoreStats::writeBehindQueue))
                        .description("Changes waiting on this member to be written to the store").tags(tags)
                        .strongReference(true).register(registry),
                counter("tessera.mapstore.failures", "MapStore calls that threw", tags,
                        s -> stat(s.stores().get(map), MapStoreStats::failures)));
    }

    private Meter gauge(String name, String description, Tags tags, String unit, String map, ToDoubleFunction<MapStats> f) {
        return Gauge.builder(name, snapshot, x -> stat(x.get().maps().get(map), f)).description(description).tags(tags)
                .baseUnit(unit).strongReference(true).register(registry);
    }

    private Meter counter(String name, String description, Tags tags, ToDoubleFunction<Snapshot> f) {
        return FunctionCounter.builder(name, snapshot, x -> f.applyAsDouble(x.get())).description(description).tags(tags)
                .register(registry);
    }

    /** A map's figure, or 0 once it is gone (until the next refresh removes its meters). */
    private static <T> double stat(T stats, ToDoubleFunction<T> f) {
        return stats == null ? 0 : f.applyAsDouble(stats);
    }

    private synchronized void remove(String map) {
        Map<String, List<Meter>> g = groups.remove(map);
        if (g != null) {
            g.values().forEach(list -> list.forEach(registry::remove));
        }
        Timers t = timers.remove(map);
        if (t != null) {
            List.of(t.hits, t.misses, t.puts, t.removes).forEach(registry::remove);
        }
    }

    synchronized void close() {
        closed = true;
        for (String map : List.copyOf(groups.keySet())) {
            remove(map);
        }
        for (String map : List.copyOf(timers.keySet())) {
            remove(map);
        }
    }
}
