package dev.tessera.grid.core;

import dev.tessera.grid.core.time.TimeSource;
import dev.tessera.grid.Grid;
import dev.tessera.grid.GridConfig;
import dev.tessera.grid.GridException;
import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.GridSecurityException;
import dev.tessera.grid.Security;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.Member;
import dev.tessera.grid.MembershipEvent;
import dev.tessera.grid.MembershipListener;
import dev.tessera.grid.Registration;
import dev.tessera.grid.Transport;
import dev.tessera.grid.core.cluster.Coordinator;
import dev.tessera.grid.core.cluster.RejectionCounter;
import dev.tessera.grid.core.cluster.TableGate;
import dev.tessera.grid.core.cluster.HandoverFences;
import dev.tessera.grid.core.cluster.MemberCompatibility;
import dev.tessera.grid.core.cluster.LeaseTiming;
import dev.tessera.grid.core.cluster.QuorumTracker;
import dev.tessera.grid.core.cluster.ReadLease;
import dev.tessera.grid.core.cluster.StopSafetyCheck;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.expiry.ExpiryService;
import dev.tessera.grid.core.events.EntryEventService;
import dev.tessera.grid.core.loading.LoadLeases;
import dev.tessera.grid.core.map.GridMapImpl;
import dev.tessera.grid.core.map.MapContext;
import dev.tessera.grid.core.map.MapDestroyer;
import dev.tessera.grid.core.mapstore.MapStoreService;
import dev.tessera.grid.core.migration.SplitMerger;
import dev.tessera.grid.core.migration.StorageJanitor;
import dev.tessera.grid.core.nearcache.InvalidationPublisher;
import dev.tessera.grid.core.nearcache.NearCacheRegistry;
import dev.tessera.grid.core.migration.EarlyCopies;
import dev.tessera.grid.core.migration.MigrationProgressTracker;
import dev.tessera.grid.core.migration.TransferManager;
import dev.tessera.grid.core.partition.KeyPartitioner;
import dev.tessera.grid.core.partition.OwnershipAssigner;
import dev.tessera.grid.core.owner.PartitionWriter;
import dev.tessera.grid.core.owner.PrimaryOperations;
import dev.tessera.grid.core.replication.ChangeObservers;
import dev.tessera.grid.core.replication.ReplicaReceiver;
import dev.tessera.grid.core.replication.Replicator;
import dev.tessera.grid.core.routing.OperationInvoker;
import dev.tessera.grid.core.serialization.KryoCodec;
import dev.tessera.grid.core.time.HybridClock;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.wire.CompatibilityInfo;
import dev.tessera.grid.core.store.MapNames;
import dev.tessera.grid.core.wire.TopologyMessages;
import dev.tessera.grid.core.wire.TopologyMessages.LeaveRequest;
import dev.tessera.grid.core.wire.TopologyMessages.TableMessage;
import dev.tessera.grid.core.wire.TopologyMessages.TransferDone;
import dev.tessera.grid.membership.ChannelSettings;
import dev.tessera.grid.membership.ClusterChannel;
import dev.tessera.grid.membership.RequestOptions;
import dev.tessera.grid.core.loading.Futures;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.membership.MemberUnreachableException;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberInfo;
import dev.tessera.grid.membership.MemberSecurity;
import dev.tessera.grid.membership.MembershipSecurityException;
import dev.tessera.grid.membership.RequestHandler;
import dev.tessera.grid.membership.StackConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import dev.tessera.grid.membership.MemberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member: wires the JGroups channel, the partition table, replication, migration and the maps,
 * and runs the member's lifecycle (join, graceful leave, crash simulation for tests).
 *
 * <p>Threads: JGroups delivers messages on its own threads, which only decode and hand over
 * (operations complete asynchronously, never blocking them); the coordinator, the migration
 * manager and listener events each have one thread of their own; a small scheduler runs retries.
 */
public final class TesseraGrid implements Grid {
    /** Replica slots of the partition table: one primary and up to six backups. */
    static final int TABLE_REPLICAS = 1 + MapConfig.MAX_BACKUPS;
    private static final Logger log = LoggerFactory.getLogger(TesseraGrid.class);
    private static final long TOMBSTONE_AGE_MILLIS = TimeUnit.SECONDS.toMillis(60);

    private enum State { STARTING, RUNNING, LEAVING, CLOSED }

    private final GridConfig config;
    private final KryoCodec codec;
    private final KeyPartitioner partitioner;
    private final LocalStorage storage;
    private final TimeSource time;
    private final HybridClock clock;
    private final QuorumTracker quorum = new QuorumTracker();
    private final NearCacheRegistry nearCaches;
    private final CountDownLatch wired = new CountDownLatch(1);
    private final CountDownLatch firstTable = new CountDownLatch(1);
    private final Object tableMonitor = new Object();
    private final ScheduledExecutorService scheduler;
    private final ScheduledExecutorService coordinatorExecutor;
    private final ScheduledExecutorService transferExecutor;
    private final ExecutorService eventExecutor;
    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, GridMapImpl<?, ?>> maps = new ConcurrentHashMap<>();
    private volatile State state = State.STARTING;
    private final MemberCompatibility compatibility;
    private volatile ClusterChannel channel;
    private ChannelMessenger messenger;
    private TopologyState topology;
    private Coordinator coordinator;
    private volatile Thread shutdownHook;
    private TableGate tableGate;
    private final RejectionCounter rejections = new RejectionCounter();
    private TransferManager transfers;
    private EarlyCopies earlyCopies;
    private MigrationProgressTracker migrationProgress;
    private HandoverFences fences;
    private InboundDispatcher inbound;
    private MapContext mapContext;
    private Introspection introspection;
    private ExpiryService expiry;
    private EntryEventService entryEvents;
    private MapStoreService mapStores;
    private ClusterView lastView;
    private LoadLeases loadLeases;
    private ReadLease readLease;
    private InvalidationPublisher invalidations;

    private TesseraGrid(GridConfig config, TimeSource time) {
        this.config = config;
        this.time = time;
        this.clock = new HybridClock(time::wallMillis);
        this.codec = new KryoCodec(config.registeredTypes());
        this.partitioner = new KeyPartitioner(config.partitionCount());
        this.storage = new LocalStorage(config.partitionCount(), config.limits().maxMaps(), time);
        this.nearCaches = new NearCacheRegistry(config.partitionCount(), time);
        this.compatibility = new MemberCompatibility(
                CompatibilityInfo.of(config.memberName(), config.partitionCount(), codec.userTypeIds()),
                () -> channel == null ? null : channel.currentView(), time);
        String n = config.memberName();
        this.scheduler = Executors.newScheduledThreadPool(2, threads("tessera-" + n + "-scheduler"));
        this.coordinatorExecutor = Executors.newSingleThreadScheduledExecutor(threads("tessera-" + n + "-coordinator"));
        this.transferExecutor = Executors.newSingleThreadScheduledExecutor(threads("tessera-" + n + "-migration"));
        this.eventExecutor = Executors.newSingleThreadExecutor(threads("tessera-" + n + "-events"));
    }

    /** Starts a member and blocks until it has joined and applied a partition table. */
    public static TesseraGrid start(GridConfig config) {
        return start(config, TimeSource.SYSTEM);
    }

    /**
     * Starts a member that reads the time from {@code time} instead of the system clocks, so a test can move it
     * (expiry, leases, deadlines); blocks like {@link #start(GridConfig)}.
     */
    public static TesseraGrid start(GridConfig config, TimeSource time) {
        TesseraGrid grid = new TesseraGrid(config, time);
        try {
            grid.join();
            grid.registerShutdownHook();
            return grid;
        } catch (MembershipSecurityException e) {
            grid.shutdown(false);
            throw new GridSecurityException(e.getMessage(), e);
        } catch (RuntimeException e) {
            grid.shutdown(false);
            throw e;
        }
    }

    private void join() {
        channel = ClusterChannel.start(channelSettings(config).withCompatibility(compatibility.fingerprint()), this::onView,
                new RequestHandler() {
            @Override
            public CompletableFuture<byte[]> handle(MemberId sender, byte[] request) {
                throw new IllegalStateException("unreachable: the channel passes request ids");
            }

            @Override
            public CompletableFuture<byte[]> handle(MemberId sender, long requestId, byte[] request) {
                return onRequest(sender, requestId, request);
            }
        }, this::onMessage);
        MemberId self = channel.localId();
        long timeout = config.operationTimeout().toMillis();
        // before anything is wired: a refused member applies nothing and is given nothing
        compatibility.checkJoin(channel.currentView(), self, config.clusterName(),
                (coordinator, query) -> channel.request(coordinator, query, RequestOptions.timeout(timeout)), timeout);
        messenger = new ChannelMessenger(channel, compatibility);
        topology = new TopologyState(self, config.partitionCount());
        LeaseTiming leaseTiming = LeaseTiming.forFailureDetection(config.failureDetectionTimeout());
        leaseTiming.check(channel.minimumSuspectMillis(), config.failureDetectionTimeout());
        readLease = new ReadLease(messenger, topology, quorum, time, leaseTiming);
        topology.readLease(readLease);
        Replicator replicator = new Replicator(messenger, scheduler, timeout, time);
        invalidations = new InvalidationPublisher(messenger, config.partitionCount(), scheduler);
        loadLeases = new LoadLeases(topology, storage);
        ChangeObservers changes = new ChangeObservers();
        PartitionWriter writer = new PartitionWriter(topology, clock, quorum, changes, invalidations::changed, replicator);
        expiry = new ExpiryService(storage, topology, writer, config.memberName());
        changes.add(expiry.evictor());
        entryEvents = new EntryEventService(messenger, codec, this::memberOf, timeout, config.memberName());
        changes.add(entryEvents.observer());
        mapStores = new MapStoreService(config.mapStores(), codec, topology, storage, messenger, config.memberName(), timeout);
        changes.add(mapStores);
        PrimaryOperations primary = new PrimaryOperations(topology, storage, writer, quorum, loadLeases, codec,
                config.mergePolicies(), expiry.evictor()::afterWrite, mapStores::around);
        topology.addListener(mapStores::onTable);
        topology.addListener(loadLeases::onTable);
        SplitMerger merger = new SplitMerger(topology, storage, replicator, transferExecutor);
        coordinator = new Coordinator(messenger, topology, new OwnershipAssigner(TABLE_REPLICAS), coordinatorExecutor,
                merger::mergeOut, rejections);
        tableGate = new TableGate(topology, messenger::view, rejections); // the compatible members' view
        transfers = new TransferManager(topology, storage, replicator, this::sendTransferDone, transferExecutor,
                config.limits().migrationBudgetBytes(), config.limits().migrationRateBytesPerSecond());
        TopologyState applied = topology;
        earlyCopies = new EarlyCopies(config.limits().migrationBudgetBytes(), () -> applied.table().version(), scheduler, scheduler);
        migrationProgress = new MigrationProgressTracker(time, transfers, earlyCopies);
        StorageJanitor janitor = new StorageJanitor(storage, self);
        fences = new HandoverFences(topology, messenger, scheduler, timeout);
        topology.addListener(fences::onTable);
        topology.addListener(janitor::onTable);
        topology.addListener(quorum::onTable);
        topology.addListener(nearCaches::onTable);
        topology.addListener(transfers::onTable);
        topology.addListener(earlyCopies::onTable);
        topology.addListener(migrationProgress::onTable);
        topology.addListener((prev, next) -> {
            firstTable.countDown();
            synchronized (tableMonitor) {
                tableMonitor.notifyAll();
            }
        });
        OperationInvoker invoker = new OperationInvoker(messenger, topology, primary, scheduler, timeout,
                () -> state == State.RUNNING || state == State.LEAVING, time);
        mapContext = new MapContext(codec, partitioner, topology, storage, invoker, messenger, nearCaches, this::ensureOpen,
                this::memberOf, timeout, entryEvents, config.limits().maxValueBytes(),
                new MapDestroyer(messenger, this::destroyLocally, timeout));
        inbound = new InboundDispatcher(topology, primary, new ReplicaReceiver(topology, storage, mapStores), coordinator, mapContext,
                merger, nearCaches, fences, entryEvents, mapStores, messenger, tableGate, rejections, compatibility, readLease,
                earlyCopies);
        introspection = new Introspection(topology, storage, this::memberOf, nearCaches,
                () -> new GridIntrospection.RejectedMessages(channel.rejectedFromNonMembers(), rejections.malformedCount(),
                        rejections.notPermittedCount()), compatibility::refusedMembers, this::stopSafety, this::requiredReplicas, this::underReplicatedPartitions, invoker, mapStores,
                config.clusterName(), () -> messenger.view().viewId(), messenger::sent, migrationProgress::progress);
        scheduler.scheduleWithFixedDelay(() -> janitor.purgeTombstones(TOMBSTONE_AGE_MILLIS), 10, 10, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(() -> loadLeases.sweep(timeout), 100, 100, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(readLease::renew, 0, leaseTiming.renewNanos(), TimeUnit.NANOSECONDS);
        wired.countDown();
        channel.enableInlineRequests(); // the request handler no longer waits for wiring
        long waitMs = Math.max(30_000, 3 * timeout);
        try {
            if (!firstTable.await(waitMs, TimeUnit.MILLISECONDS)) {
                throw new GridException("Member " + config.memberName() + " joined cluster '" + config.clusterName()
                        + "' but received no partition table within " + waitMs + " ms; check that every member uses the same"
                        + " cluster name, partition count and transport");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GridException("Interrupted while joining the cluster", e);
        }
        state = State.RUNNING;
        log.info("Member {} joined cluster '{}' as {} ({} members, table version {})", config.memberName(),
                config.clusterName(), self, messenger.view().members().size(), topology.table().version());
    }

    // ---- Grid ----

    @Override
    public <K, V> GridMap<K, V> map(String name) {
        return map(name, MapConfig.defaults());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> GridMap<K, V> map(String name, MapConfig mapConfig) {
        ensureOpen();
        MapNames.validate(name);
        java.util.Objects.requireNonNull(mapConfig, "config");
        mapStores.checkRegistered(mapConfig);
        GridMapImpl<?, ?> map = maps.computeIfAbsent(name, n -> new GridMapImpl<>(n, mapConfig, mapContext));
        if (!map.config().equals(mapConfig)) {
            throw new IllegalArgumentException("Map '" + name + "' already exists with " + map.config() + "; asked for " + mapConfig);
        }
        return (GridMap<K, V>) map;
    }

    /**
     * Drops {@code name} on this member: its handle (which refuses further use), entries, near cache, eviction,
     * store binding and invalidation state. Called by {@link GridMapImpl#destroy()} and by peers' requests.
     */
    private void destroyLocally(String name) {
        GridMapImpl<?, ?> handle = maps.remove(name);
        if (handle != null) {
            handle.markDestroyed();
        }
        storage.destroy(name);
        nearCaches.remove(name);
        invalidations.forget(name);
        expiry.evictor().forget(name);
        mapStores.forget(name);
    }

    @Override
    public Member localMember() {
        ensureNotClosed();
        return Members.of(channel.localMember());
    }

    @Override
    public List<Member> members() {
        ensureNotClosed();
        List<Member> out = new ArrayList<>();
        for (MemberInfo m : messenger.view().members()) { // refused members are not members of the grid
            out.add(Members.of(m));
        }
        return out;
    }

    @Override
    public Registration addMembershipListener(MembershipListener listener) {
        java.util.Objects.requireNonNull(listener, "listener");
        ensureNotClosed();
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public GridIntrospection introspection() {
        ensureOpen();
        return introspection;
    }

    /** {@link GridIntrospection#stopSafety()}: the table and view applied here, the most demanding map held or opened here. */
    private GridIntrospection.StopSafety stopSafety() {
        ensureOpen();
        return StopSafetyCheck.check(topology.table(), new HashSet<>(messenger.view().ids()), requiredReplicas());
    }

    /** 1 + the most backups of a map held or opened here; 0 with no map (nothing to keep a copy of). */
    private int requiredReplicas() {
        int required = 0;
        for (var container : storage.all()) {
            required = Math.max(required, container.replicas());
        }
        for (GridMapImpl<?, ?> map : maps.values()) {
            required = Math.max(required, 1 + map.config().totalBackups());
        }
        return required;
    }

    /** {@link GridIntrospection#underReplicatedPartitions()}: live owners only (a crashed owner holds nothing). */
    private int underReplicatedPartitions() {
        return StopSafetyCheck.belowReplicas(topology.table(), new HashSet<>(messenger.view().ids()), requiredReplicas());
    }

    @Override
    public boolean isRunning() {
        return state == State.RUNNING;
    }

    /** Leaves gracefully: asks the coordinator to move this member's partitions away, waits for it, disconnects. */
    @Override
    public void close() {
        synchronized (this) {
            if (state != State.RUNNING) {
                return;
            }
            state = State.LEAVING;
        }
        try {
            handOverPartitions();
        } finally {
            shutdown(true);
        }
    }

    /**
     * Test hook simulating {@code kill -9}: drops all traffic at once and stops, without a goodbye;
     * the other members find out through failure detection.
     */
    public void simulateCrash() {
        state = State.CLOSED;
        channel.crash();
        shutdown(false);
    }

    /**
     * With {@link GridConfig#shutdownHook()}, a JVM shutdown (SIGTERM) closes this member like {@link #close()}: its
     * partitions are handed over before the process exits. Without it a scale-down that stops two members at once
     * loses every partition whose two replicas they held.
     */
    private void registerShutdownHook() {
        if (!config.shutdownHook()) {
            return;
        }
        Thread hook = new Thread(() -> {
            log.info("Member {} leaving: the JVM is shutting down", config.memberName());
            close();
        }, "tessera-" + config.memberName() + "-leave-on-shutdown");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            shutdownHook = hook;
        } catch (IllegalStateException alreadyShuttingDown) {
            log.debug("Member {} started while the JVM shuts down: no shutdown hook", config.memberName());
        }
    }

    /** Unless the hook itself is running: a closed member needs no hook, and a test JVM starts thousands. */
    private void removeShutdownHook() {
        Thread hook = shutdownHook;
        if (hook == null || Thread.currentThread() == hook) {
            return;
        }
        shutdownHook = null;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is shutting down: the hook runs or ran, and finds this member closed
        }
    }

    private void handOverPartitions() {
        MemberId self = messenger.self();
        long deadline = time.nanoTime() + config.leaveTimeout().toNanos();
        while (topology.table().members().contains(self) && messenger.view().members().size() > 1) {
            if (time.nanoTime() - deadline > 0) {
                log.warn("Member {} leaves before every partition was handed over (leave timeout {})", config.memberName(),
                        config.leaveTimeout());
                return;
            }
            MemberId coord = messenger.view().coordinator().id();
            if (coord.equals(self)) {
                coordinator.onLeaveRequest(self);
            } else {
                messenger.send(coord, new LeaveRequest(self).encode());
            }
            synchronized (tableMonitor) {
                try {
                    tableMonitor.wait(500); // woken by each applied table; the request is repeated in case the coordinator changed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        awaitOthersApplied(deadline);
    }

    /**
     * A leaving coordinator stays until every other member applied the table that handed its partitions over. A
     * member that processes the view without us first drops our last table (it comes from a non-member then), and the
     * next coordinator would replan from an older one, in which we still own partitions whose data went to their
     * targets: a map without backups lost about a sixth of its entries that way when two members left at once
     * ({@code ConcurrentLeaveTest}).
     */
    private void awaitOthersApplied(long deadline) {
        MemberId self = messenger.self();
        long mine = topology.table().version();
        byte[] query = new TopologyMessages.TableQuery().encode();
        while (time.nanoTime() - deadline < 0) {
            ClusterView v = messenger.view();
            if (!v.coordinator().id().equals(self)) {
                return; // only the coordinator publishes tables
            }
            boolean behind = false;
            for (MemberId m : v.ids()) {
                if (!m.equals(self) && appliedVersion(m, query) < mine) {
                    behind = true;
                }
            }
            if (!behind) {
                return;
            }
            synchronized (tableMonitor) {
                try {
                    tableMonitor.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        log.warn("Member {} leaves before every member confirmed its last table (leave timeout {})", config.memberName(),
                config.leaveTimeout());
    }

    /** The table version {@code member} applied; {@code Long.MAX_VALUE} if it is gone (nothing to wait for). */
    private long appliedVersion(MemberId member, byte[] query) {
        try {
            byte[] reply = Futures.await(messenger.request(member, query, config.operationTimeout().toMillis()));
            return Messages.decode(reply, TableMessage.class).table().version();
        } catch (MemberUnreachableException e) {
            return Long.MAX_VALUE;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private void shutdown(boolean graceful) {
        state = State.CLOSED;
        removeShutdownHook();
        wired.countDown(); // releases handlers parked before wiring (a refused joiner): they see CLOSED and return
        if (channel != null && graceful) {
            channel.close();
        }
        scheduler.shutdownNow();
        if (loadLeases != null) {
            loadLeases.close(); // no sweep runs any more: nobody may stay parked
        }
        coordinatorExecutor.shutdownNow();
        transferExecutor.shutdownNow();
        eventExecutor.shutdownNow();
        if (expiry != null) {
            expiry.close();
        }
        if (entryEvents != null) {
            entryEvents.close();
        }
        if (mapStores != null) {
            mapStores.close();
        }
        if (channel != null && !graceful) {
            channel.close();
        }
    }

    // ---- channel callbacks ----

    private void onView(ClusterView installed) {
        if (!awaitWired()) {
            return;
        }
        ClusterView view = compatibility.compatibleView(installed);
        messenger.onView(view);
        tableGate.onView(view);
        fences.onView(view);
        loadLeases.onMembers(view.ids());
        quorum.onView(view, topology.table());
        readLease.onView(view);
        coordinator.onView(view);
        entryEvents.onView(view);
        eventExecutor.execute(() -> publishEvents(view));
    }

    private CompletableFuture<byte[]> onRequest(MemberId sender, long requestId, byte[] request) {
        if (!awaitWired()) {
            return CompletableFuture.failedFuture(new IllegalStateException("member is not running"));
        }
        return inbound.onRequest(sender, requestId, request);
    }

    private void onMessage(MemberId sender, byte[] message) {
        if (awaitWired()) {
            inbound.onMessage(sender, message);
        }
    }

    private boolean awaitWired() {
        try {
            return wired.await(30, TimeUnit.SECONDS) && state != State.CLOSED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void sendTransferDone(TransferDone done) {
        MemberId coord = messenger.view().coordinator().id();
        if (coord.equals(messenger.self())) {
            coordinator.onTransferDone(messenger.self(), done);
        } else {
            messenger.send(coord, done.encode());
        }
    }

    private void publishEvents(ClusterView view) {
        ClusterView previous = lastView;
        lastView = view;
        List<Member> members = new ArrayList<>();
        for (MemberInfo m : view.members()) {
            members.add(Members.of(m));
        }
        List<MembershipEvent> events = new ArrayList<>();
        Set<MemberId> before = previous == null ? Set.of() : new HashSet<>(previous.ids());
        if (previous != null) {
            for (MemberInfo m : previous.members()) {
                if (!view.contains(m.id())) {
                    events.add(new MembershipEvent(MembershipEvent.Type.LEFT, Members.of(m), members));
                }
            }
        }
        for (MemberInfo m : view.members()) {
            if (!before.contains(m.id()) && !m.id().equals(messenger.self())) {
                events.add(new MembershipEvent(MembershipEvent.Type.JOINED, Members.of(m), members));
            }
        }
        if (view.merge()) {
            events.add(new MembershipEvent(MembershipEvent.Type.MERGED, null, members));
        }
        for (MembershipEvent e : events) {
            for (MembershipListener l : listeners) {
                try {
                    l.onEvent(e);
                } catch (RuntimeException ex) {
                    log.warn("Membership listener {} failed on {}", l, e, ex);
                }
            }
        }
    }

    // ---- helpers ----

    private void ensureOpen() {
        if (state != State.RUNNING) {
            throw new IllegalStateException("Grid member " + config.memberName() + " is " + state.name().toLowerCase()
                    + "; start a new one with Grid.builder()...start()");
        }
    }

    /** For the membership queries, which stay readable while {@link #close()} hands the partitions over. */
    private void ensureNotClosed() {
        if (state == State.CLOSED) {
            throw new IllegalStateException("Grid member " + config.memberName()
                    + " is closed; start a new one with Grid.builder()...start()");
        }
    }

    /** The API members of the current view, built once per view: introspection asks for every replica of every partition. */
    private volatile MemberCache members = new MemberCache(null);

    private Member memberOf(MemberId address) {
        if (address == null) {
            return null;
        }
        ClusterView view = channel.currentView();
        MemberCache cache = members;
        if (cache.view != view) {
            cache = new MemberCache(view);
            members = cache;
        }
        return cache.byAddress.computeIfAbsent(address, a -> Members.of(a, view));
    }

    private record MemberCache(ClusterView view, Map<MemberId, Member> byAddress) {
        MemberCache(ClusterView view) {
            this(view, new ConcurrentHashMap<>());
        }
    }

    /**
     * Diagnostics: what this member holds for {@code key} of {@code map}: its slot in the partition's
     * owners and target, and the local record's version, HLC and whether it is a tombstone.
     */
    public String describeLocal(String map, Object key) {
        byte[] k = codec.serializeKey(key);
        int p = partitioner.partitionOf(k);
        var t = topology.table();
        var c = storage.get(map);
        var r = c == null ? null : c.peek(p).get(dev.tessera.grid.core.store.Bytes.wrap(k));
        return config.memberName() + " p" + p + " v" + t.version() + " slot " + t.slotOf(p, topology.self()) + " target-slot "
                + t.targetSlotOf(p, topology.self()) + ": " + (r == null ? "no record"
                : (r.isTombstone() ? "tombstone" : "value") + " version " + Long.toHexString(r.version()) + " hlc " + r.hlc());
    }

    /** Messages this member has sent to other members (requests, one-way messages, broadcasts). */
    public long messagesSent() {
        return messenger.sent();
    }

    /** Test and tooling access: this member's entry-listener service and its counters. */
    public EntryEventService entryEvents() {
        return entryEvents;
    }

    /** Test hook: the member's JGroups channel, for fault injection. */
    public ClusterChannel channel() {
        return channel;
    }

    /** Test and tooling access: the member's expiry sweep and eviction. */
    public ExpiryService expiry() {
        return expiry;
    }

    /** Test and tooling access: the member's MapStore support (write-behind queue and dirty marks). */
    public MapStoreService mapStores() {
        return mapStores;
    }

    /** Test and tooling access: the getOrLoad leases this member grants as primary. */
    public LoadLeases loadLeases() {
        return loadLeases;
    }

    /** Test and tooling access: the copies this member holds as a target until it applied their table. */
    public EarlyCopies earlyCopies() {
        return earlyCopies;
    }

    /** Test and tooling access: the migrations this member is the source of. */
    public TransferManager transfers() {
        return transfers;
    }

    /** Test and tooling access: which members this member refuses, and how often it did. */
    public MemberCompatibility compatibility() {
        return compatibility;
    }

    /** Test and tooling access: the maps this member stores. */
    public LocalStorage storage() {
        return storage;
    }

    /** Test and tooling access: the lease this member serves CONSISTENT maps under (ADR 0013). */
    public ReadLease readLease() {
        return readLease;
    }

    /** Test and tooling access: the member's applied partition table. */
    public TopologyState topology() {
        return topology;
    }

    private static ChannelSettings channelSettings(GridConfig c) {
        StackConfig stack;
        Transport t = c.transport();
        if (t instanceof Transport.InProcess) {
            stack = new StackConfig.InProcess();
        } else if (t instanceof Transport.Tcp tcp) {
            StackConfig.Dns dns = tcp.dns() == null ? null
                    : new StackConfig.Dns(tcp.dns().query(), tcp.dns().recordType(), tcp.dns().server());
            stack = new StackConfig.Tcp(tcp.bindAddress(), tcp.port(), tcp.portRange(), tcp.initialMembers(),
                    tcp.discoveryFolder(), dns);
        } else if (t instanceof Transport.JGroupsXml xml) {
            stack = new StackConfig.Xml(xml.location());
        } else {
            throw new IllegalArgumentException("Unknown transport " + t + ": use Transport.inProcess(), tcp(port) or jgroupsXml(file)");
        }
        return new ChannelSettings(c.clusterName(), c.memberName(), c.zone(), stack, c.failureDetectionTimeout(),
                c.maxInFlightRequests(), null, memberSecurity(c.security()));
    }

    private static MemberSecurity memberSecurity(Security s) {
        if (s == null || s.mode() == Security.Mode.INSECURE) {
            return new MemberSecurity.None();
        }
        if (s.mode() == Security.Mode.MUTUAL_TLS) {
            return new MemberSecurity.MutualTls(s.keyStorePath(), s.keyStorePassword(), s.trustStorePath(),
                    s.trustStorePassword());
        }
        List<char[]> secrets = new ArrayList<>();
        secrets.add(s.secret());
        secrets.addAll(s.alsoAcceptedSecrets());
        return new MemberSecurity.SharedSecret(secrets);
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
