package dev.tessera.grid.core;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridConfig;
import dev.tessera.grid.GridException;
import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.GridSecurityException;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.Member;
import dev.tessera.grid.MembershipListener;
import dev.tessera.grid.Registration;
import dev.tessera.grid.core.cluster.MemberCompatibility;
import dev.tessera.grid.core.cluster.ReadLease;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.events.EntryEventService;
import dev.tessera.grid.core.expiry.ExpiryService;
import dev.tessera.grid.core.loading.LoadLeases;
import dev.tessera.grid.core.mapstore.MapStoreService;
import dev.tessera.grid.core.migration.EarlyCopies;
import dev.tessera.grid.core.migration.TransferManager;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.time.SchedulerFactory;
import dev.tessera.grid.core.time.TimeSource;
import dev.tessera.grid.membership.ClusterChannel;
import dev.tessera.grid.membership.MemberInfo;
import dev.tessera.grid.membership.MembershipSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member: its lifecycle (join, graceful leave, crash simulation for tests) and the {@link Grid} facade over the
 * components {@link MemberAssembly} built for it, once, before it was constructed.
 *
 * <p>Threads: JGroups delivers messages on its own threads, which only decode and hand over
 * (operations complete asynchronously, never blocking them); the coordinator, the migration
 * manager and listener events each have one thread of their own; a small scheduler runs retries ({@link MemberThreads}).
 */
public final class TesseraGrid implements Grid {
    private static final Logger log = LoggerFactory.getLogger(TesseraGrid.class);

    private final GridConfig config;
    private final MemberLifecycle lifecycle;
    private final MemberAssembly parts;
    private final LeaveOnJvmShutdown shutdownHook;

    private TesseraGrid(MemberAssembly parts) {
        this.parts = parts;
        this.config = parts.config;
        this.lifecycle = parts.lifecycle;
        this.shutdownHook = new LeaveOnJvmShutdown(config.memberName(), this::close);
    }

    /** Starts a member and blocks until it has joined and applied a partition table. */
    public static TesseraGrid start(GridConfig config) {
        return start(config, TimeSource.SYSTEM);
    }

    /**
     * Starts a member that reads the time from {@code time} instead of the system clocks, so a test can move it
     * (expiry, leases, deadlines), and whose scheduled work follows that time ({@link SchedulerFactory#following});
     * blocks like {@link #start(GridConfig)}.
     */
    public static TesseraGrid start(GridConfig config, TimeSource time) {
        return start(config, time, SchedulerFactory.following(time));
    }

    /**
     * Starts a member that reads the time from {@code time} and runs its retries, timeouts and periodic work on a
     * scheduler made by {@code schedulers}; blocks like {@link #start(GridConfig)}.
     */
    public static TesseraGrid start(GridConfig config, TimeSource time, SchedulerFactory schedulers) {
        MemberLifecycle lifecycle = new MemberLifecycle(config.memberName());
        TesseraGrid grid;
        try {
            grid = new TesseraGrid(MemberAssembly.assemble(config, time, schedulers, lifecycle, new InboundGate(lifecycle)));
        } catch (MembershipSecurityException e) {
            throw new GridSecurityException(e.getMessage(), e);
        }
        try {
            grid.join();
            if (config.shutdownHook()) {
                grid.shutdownHook.register();
            }
            return grid;
        } catch (MembershipSecurityException e) {
            grid.shutdown(false);
            throw new GridSecurityException(e.getMessage(), e);
        } catch (RuntimeException e) {
            grid.shutdown(false);
            throw e;
        }
    }

    /** Lets inbound traffic reach the assembled member and waits for the first partition table. */
    private void join() {
        parts.gate.open(parts.views, parts.inbound);
        parts.channel.enableInlineRequests(); // the request handler no longer waits for the member to be assembled
        long waitMs = Math.max(30_000, 3 * config.operationTimeout().toMillis());
        try {
            if (!parts.tables.awaitFirst(waitMs)) {
                throw new GridException("Member " + config.memberName() + " joined cluster '" + config.clusterName()
                        + "' but received no partition table within " + waitMs + " ms; check that every member uses the same"
                        + " cluster name, partition count and transport");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GridException("Interrupted while joining the cluster", e);
        }
        lifecycle.running();
        log.info("Member {} joined cluster '{}' as {} ({} members, table version {})", config.memberName(),
                config.clusterName(), parts.topology.self(), parts.messenger.view().members().size(),
                parts.topology.table().version());
    }

    // ---- Grid ----

    @Override
    public <K, V> GridMap<K, V> map(String name) {
        return map(name, MapConfig.defaults());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> GridMap<K, V> map(String name, MapConfig mapConfig) {
        lifecycle.ensureOpen();
        return (GridMap<K, V>) parts.maps.open(name, mapConfig, parts.mapContext);
    }

    @Override
    public Member localMember() {
        lifecycle.ensureNotClosed();
        return Members.of(parts.channel.localMember());
    }

    @Override
    public List<Member> members() {
        lifecycle.ensureNotClosed();
        List<Member> out = new ArrayList<>();
        for (MemberInfo m : parts.messenger.view().members()) { // refused members are not members of the grid
            out.add(Members.of(m));
        }
        return out;
    }

    @Override
    public Registration addMembershipListener(MembershipListener listener) {
        Objects.requireNonNull(listener, "listener");
        lifecycle.ensureNotClosed();
        return parts.membershipEvents.add(listener);
    }

    @Override
    public GridIntrospection introspection() {
        lifecycle.ensureOpen();
        return parts.introspection;
    }

    @Override
    public boolean isRunning() {
        return lifecycle.isRunning();
    }

    /** Leaves gracefully: asks the coordinator to move this member's partitions away, waits for it, disconnects. */
    @Override
    public void close() {
        if (!lifecycle.beginLeave()) {
            return;
        }
        try {
            parts.leave.handOverPartitions();
        } finally {
            shutdown(true);
        }
    }

    /**
     * Test hook simulating {@code kill -9}: drops all traffic at once and stops, without a goodbye;
     * the other members find out through failure detection.
     */
    public void simulateCrash() {
        lifecycle.closed();
        parts.channel.crash();
        shutdown(false);
    }

    private void shutdown(boolean graceful) {
        lifecycle.closed();
        shutdownHook.remove();
        parts.gate.release(); // releases handlers parked before the gate opened (a refused joiner): they see CLOSED and return
        parts.stop(graceful);
    }

    // ---- diagnostics, tests and tooling ----

    /**
     * Diagnostics: what this member holds for {@code key} of {@code map}: its slot in the partition's
     * owners and target, and the local record's version, HLC and whether it is a tombstone.
     */
    public String describeLocal(String map, Object key) {
        byte[] k = parts.codec.serializeKey(key);
        int p = parts.partitioner.partitionOf(k);
        TopologyState topology = parts.topology;
        var t = topology.table();
        var c = parts.storage.get(map);
        var r = c == null ? null : c.peek(p).get(Bytes.wrap(k));
        return config.memberName() + " p" + p + " v" + t.version() + " slot " + t.slotOf(p, topology.self()) + " target-slot "
                + t.targetSlotOf(p, topology.self()) + ": " + (r == null ? "no record"
                : (r.isTombstone() ? "tombstone" : "value") + " version " + Long.toHexString(r.version()) + " hlc " + r.hlc());
    }

    /** Test access: the member's scheduler (operation retries, timeouts, lease renewal), which a test may hold. */
    public java.util.concurrent.ScheduledExecutorService scheduler() {
        return parts.threads.scheduler();
    }

    /** Messages this member has sent to other members (requests, one-way messages, broadcasts). */
    public long messagesSent() {
        return parts.messenger.sent();
    }

    /** Test access: the map headers this member has learned (later messages name those maps by digest). */
    dev.tessera.grid.core.wire.MapHeaderRegistry learnedMapHeaders() {
        return parts.inbound.mapHeaders();
    }

    /** Test access: operations this member resent with the full map header (their primary did not know its digest). */
    long fullHeaderResends() {
        return parts.mapContext.invoker().fullHeaderResends();
    }

    /** Test and tooling access: this member's entry-listener service and its counters. */
    public EntryEventService entryEvents() {
        return parts.entryEvents;
    }

    /** Test hook: the member's JGroups channel, for fault injection. */
    public ClusterChannel channel() {
        return parts.channel;
    }

    /** Test and tooling access: the member's expiry sweep and eviction. */
    public ExpiryService expiry() {
        return parts.expiry;
    }

    /** Test and tooling access: the member's MapStore support (write-behind queue and dirty marks). */
    public MapStoreService mapStores() {
        return parts.mapStores;
    }

    /** Test and tooling access: the getOrLoad leases this member grants as primary. */
    public LoadLeases loadLeases() {
        return parts.loadLeases;
    }

    /** Test and tooling access: the copies this member holds as a target until it applied their table. */
    public EarlyCopies earlyCopies() {
        return parts.earlyCopies;
    }

    /** Test and tooling access: the migrations this member is the source of. */
    public TransferManager transfers() {
        return parts.transfers;
    }

    /** Test and tooling access: which members this member refuses, and how often it did. */
    public MemberCompatibility compatibility() {
        return parts.compatibility;
    }

    /** Test and tooling access: the maps this member stores. */
    public LocalStorage storage() {
        return parts.storage;
    }

    /** Test and tooling access: the lease this member serves CONSISTENT maps under (ADR 0013). */
    public ReadLease readLease() {
        return parts.readLease;
    }

    /** Test and tooling access: the member's applied partition table. */
    public TopologyState topology() {
        return parts.topology;
    }
}
