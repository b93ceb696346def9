package dev.tessera.grid.micrometer;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.GridIntrospection.MapOperation;
import dev.tessera.grid.Registration;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for one Tessera member: per map gets, puts and removes (timers), entries, heap, evictions,
 * expirations, near cache and map store; per member partitions owned, migrating and under-replicated, migration
 * progress (partitions done, bytes in flight, held and remaining, the budget, an ETA), table
 * version, members, maps, rejected messages, operation retries and timeouts. Every meter carries the tags
 * {@code cluster} and {@code member}; map meters also {@code map}. The names are listed in the README ("Metrics").
 *
 * <pre>{@code
 * new TesseraMetrics(grid).bindTo(registry);
 * }</pre>
 *
 * <p>Cost: the gauges and counters read the member's own counters when the registry reads them, at most once per
 * {@code snapshotMaxAge} (1 s by default) for all of them together. The timers time each map operation on the
 * calling thread while this binder is bound (two clock reads and a timer update; nothing while unbound). Timers
 * count operations from the moment of binding, the other meters since the member (or the map) started. Timers
 * publish no percentiles unless a {@link io.micrometer.core.instrument.config.MeterFilter} asks for them.
 *
 * <p>Maps created after binding get their meters within {@code snapshotMaxAge} of a read of the registry (or at their
 * first timed operation); a destroyed map's meters are removed the same way. {@link #close()} removes every meter
 * and stops the timing. After the member closed, the meters keep their last values.
 */
public final class TesseraMetrics implements MeterBinder, AutoCloseable {
    private final Grid grid;
    private final long maxAgeNanos;
    private final List<Bound> bindings = new CopyOnWriteArrayList<>();
    private volatile Snapshot snapshot = Snapshot.EMPTY;
    private volatile long takenAt;
    private volatile boolean taken;

    /** Meters for {@code grid}, read at most once a second. */
    public TesseraMetrics(Grid grid) {
        this(grid, Duration.ofSeconds(1));
    }

    /**
     * @param snapshotMaxAge how old the figures a registry reads may be; {@link Duration#ZERO} reads the member at
     *                       every read of the registry (each walks the partition table and every map's partitions)
     * @throws IllegalArgumentException if {@code snapshotMaxAge} is negative
     */
    public TesseraMetrics(Grid grid, Duration snapshotMaxAge) {
        this.grid = Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(snapshotMaxAge, "snapshotMaxAge");
        if (snapshotMaxAge.isNegative()) {
            throw new IllegalArgumentException("snapshotMaxAge must not be negative, was " + snapshotMaxAge);
        }
        this.maxAgeNanos = snapshotMaxAge.toNanos();
    }

    /**
     * Registers this member's meters with {@code registry}; may be called for several registries.
     *
     * @throws IllegalStateException if the member is not running
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        Tags common = Tags.of("cluster", grid.introspection().clusterName(), "member", grid.localMember().name());
        Bound bound = new Bound(registry, common, this);
        bindings.add(bound);
        bound.registerMemberMeters();
        bound.refreshMaps(snapshot(true));
        bound.timing = grid.introspection().timeOperations(bound::record);
    }

    /** Removes every meter this binder registered and stops timing operations. Idempotent. */
    @Override
    public void close() {
        for (Bound b : bindings) {
            b.close();
        }
        bindings.clear();
    }

    /** The figures the meters report now, taken anew if older than the maximum age. */
    Snapshot snapshot() {
        return snapshot(false);
    }

    private Snapshot snapshot(boolean fresh) {
        if (!fresh && taken && System.nanoTime() - takenAt < maxAgeNanos) {
            return snapshot;
        }
        synchronized (this) {
            if (!fresh && taken && System.nanoTime() - takenAt < maxAgeNanos) {
                return snapshot;
            }
            if (!grid.isRunning()) {
                return snapshot; // the last figures: a closed member has no introspection
            }
            Snapshot s;
            try {
                s = Snapshot.of(grid);
            } catch (IllegalStateException closing) {
                return snapshot;
            }
            snapshot = s;
            takenAt = System.nanoTime();
            taken = true;
            for (Bound b : bindings) {
                b.refreshMaps(s);
            }
            return s;
        }
    }

    /** The meters registered with one registry. */
    private static final class Bound {
        final MeterRegistry registry;
        final Tags common;
        final TesseraMetrics metrics;
        final List<Meter> memberMeters = new CopyOnWriteArrayList<>();
        final MapMeters maps;
        volatile Registration timing;

        Bound(MeterRegistry registry, Tags common, TesseraMetrics metrics) {
            this.registry = registry;
            this.common = common;
            this.metrics = metrics;
            this.maps = new MapMeters(registry, common, metrics::snapshot);
        }

        void registerMemberMeters() {
            gauge("tessera.members", "Members of the cluster in this member's view", Tags.empty(), s -> s.members());
            gauge("tessera.partitions", "Partitions of which this member is the primary", Tags.of("role", "primary"),
                    s -> s.ownership().primaries());
            gauge("tessera.partitions", "Partitions of which this member holds a backup that a map here uses",
                    Tags.of("role", "backup"), s -> s.ownership().backups());
            gauge("tessera.partitions.migrating", "Partitions changing owners, as this member knows them", Tags.empty(),
                    s -> s.migrating());
            gauge("tessera.migration.partitions.done", "Partitions that stopped migrating in the current round (0 between rounds)",
                    Tags.empty(), s -> s.migration().partitionsDone());
            for (String state : List.of("inflight", "buffered", "remaining")) {
                gauge("tessera.migration.bytes", "Migration bytes of this member: sent and not acknowledged (inflight), held as a "
                        + "target before their table (buffered), estimated still to send as a source (remaining)",
                        Tags.of("state", state), s -> migrationBytes(s.migration(), state));
            }
            gauge("tessera.migration.budget", "Bound on this member's migration bytes in flight and held (GridBuilder.migrationBudget)",
                    Tags.empty(), s -> s.migration().budgetBytes());
            gauge("tessera.migration.eta.seconds", "Estimated seconds until no partition migrates (0 when none does, NaN while "
                    + "estimating)", Tags.empty(), s -> s.migration().eta() == null ? Double.NaN : s.migration().eta().toMillis() / 1000.0);
            gauge("tessera.partitions.underreplicated",
                    "Partitions with fewer replicas than the maps on this member need (or the members allow)", Tags.empty(),
                    s -> s.underReplicated());
            gauge("tessera.table.version", "Version of the partition table this member applied", Tags.empty(),
                    s -> s.tableVersion());
            gauge("tessera.maps", "Maps this member holds", Tags.empty(), s -> s.mapCount().maps());
            gauge("tessera.maps.limit", "Most maps this member may hold (GridBuilder.maxMaps)", Tags.empty(),
                    s -> s.mapCount().limit());
            counter("tessera.messages.rejected", "Messages refused at the trust boundary", Tags.of("reason", "non-member"),
                    s -> s.rejected().fromNonMembers());
            counter("tessera.messages.rejected", "Messages refused at the trust boundary", Tags.of("reason", "malformed"),
                    s -> s.rejected().malformed());
            counter("tessera.messages.rejected", "Messages refused at the trust boundary", Tags.of("reason", "not-permitted"),
                    s -> s.rejected().notPermitted());
            counter("tessera.operations.retries", "Operation attempts repeated while ownership moved", Tags.empty(),
                    s -> s.operations().retries());
            counter("tessera.operations.timeouts", "Operations that timed out", Tags.empty(), s -> s.operations().timeouts());
        }

        private static double migrationBytes(GridIntrospection.MigrationProgress m, String state) {
            return switch (state) {
                case "inflight" -> m.bytesInFlight();
                case "buffered" -> m.bytesBuffered();
                default -> m.bytesRemaining();
            };
        }

        private void gauge(String name, String description, Tags tags, ToDoubleFunction<Snapshot> f) {
            TesseraMetrics m = metrics;
            memberMeters.add(Gauge.builder(name, m, x -> f.applyAsDouble(x.snapshot())).description(description)
                    .tags(common).tags(tags).strongReference(true).register(registry));
        }

        private void counter(String name, String description, Tags tags, ToDoubleFunction<Snapshot> f) {
            TesseraMetrics m = metrics;
            memberMeters.add(FunctionCounter.builder(name, m, x -> f.applyAsDouble(x.snapshot())).description(description)
                    .tags(common).tags(tags).register(registry));
        }

        void refreshMaps(Snapshot s) {
            maps.refresh(s);
        }

        void record(String map, MapOperation op, long nanos) {
            maps.record(map, op, nanos);
        }

        void close() {
            Registration r = timing;
            if (r != null) {
                r.close();
            }
            for (Meter m : memberMeters) {
                registry.remove(m);
            }
            memberMeters.clear();
            maps.close();
        }
    }
}
