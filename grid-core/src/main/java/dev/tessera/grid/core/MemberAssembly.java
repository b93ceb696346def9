package dev.tessera.grid.core;

import dev.tessera.grid.GridConfig;
import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.cluster.Coordinator;
import dev.tessera.grid.core.cluster.HandoverFences;
import dev.tessera.grid.core.cluster.LeaseTiming;
import dev.tessera.grid.core.cluster.MemberCompatibility;
import dev.tessera.grid.core.cluster.QuorumTracker;
import dev.tessera.grid.core.cluster.ReadLease;
import dev.tessera.grid.core.cluster.RejectionCounter;
import dev.tessera.grid.core.cluster.TableGate;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.events.EntryEventService;
import dev.tessera.grid.core.expiry.ExpiryService;
import dev.tessera.grid.core.loading.LoadLeases;
import dev.tessera.grid.core.map.MapContext;
import dev.tessera.grid.core.map.MapDestroyer;
import dev.tessera.grid.core.mapstore.MapStoreService;
import dev.tessera.grid.core.migration.EarlyCopies;
import dev.tessera.grid.core.migration.MigrationProgressTracker;
import dev.tessera.grid.core.migration.SplitMerger;
import dev.tessera.grid.core.migration.StorageJanitor;
import dev.tessera.grid.core.migration.TransferManager;
import dev.tessera.grid.core.nearcache.InvalidationPublisher;
import dev.tessera.grid.core.nearcache.NearCacheRegistry;
import dev.tessera.grid.core.partition.KeyPartitioner;
import dev.tessera.grid.core.partition.OwnershipAssigner;
import dev.tessera.grid.core.owner.PartitionWriter;
import dev.tessera.grid.core.owner.PrimaryOperations;
import dev.tessera.grid.core.replication.ChangeObservers;
import dev.tessera.grid.core.replication.ReplicaReceiver;
import dev.tessera.grid.core.replication.Replicator;
import dev.tessera.grid.core.routing.OperationInvoker;
import dev.tessera.grid.core.serialization.KryoCodec;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.time.HybridClock;
import dev.tessera.grid.core.time.SchedulerFactory;
import dev.tessera.grid.core.time.TimeSource;
import dev.tessera.grid.core.wire.CompatibilityInfo;
import dev.tessera.grid.membership.ClusterChannel;
import dev.tessera.grid.membership.MemberId;
import dev.tessera.grid.membership.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The composition root: builds every component of one member, once, in dependency order, and wires them by
 * constructor (the listeners of the applied table are registered here, in the order they run). Built after the
 * channel started, since a member's own id is known only then, and after the join-time compatibility check, so a
 * refused member builds and applies nothing. Inbound traffic waits in the {@link InboundGate} until
 * {@link TesseraGrid} opens it with the dispatchers built here.
 */
final class MemberAssembly {
    /** Replica slots of the partition table: one primary and up to six backups. */
    static final int TABLE_REPLICAS = 1 + MapConfig.MAX_BACKUPS;
    private static final long TOMBSTONE_AGE_MILLIS = TimeUnit.SECONDS.toMillis(60);

    final GridConfig config;
    final TimeSource time;
    final MemberLifecycle lifecycle;
    final InboundGate gate;
    final MemberThreads threads;
    final KryoCodec codec;
    final KeyPartitioner partitioner;
    final LocalStorage storage;
    final NearCacheRegistry nearCaches;
    final QuorumTracker quorum = new QuorumTracker();
    final RejectionCounter rejections = new RejectionCounter();
    final ClusterChannel channel;
    final MemberCompatibility compatibility;
    final ChannelMessenger messenger;
    final ViewMembers members;
    final TopologyState topology;
    final ReadLease readLease;
    final InvalidationPublisher invalidations;
    final LoadLeases loadLeases;
    final ExpiryService expiry;
    final EntryEventService entryEvents;
    final MapStoreService mapStores;
    final Coordinator coordinator;
    final TableGate tableGate;
    final TransferManager transfers;
    final EarlyCopies earlyCopies;
    final MigrationProgressTracker migrationProgress;
    final HandoverFences fences;
    final TableArrivals tables = new TableArrivals();
    final LocalMaps maps;
    final MapContext mapContext;
    final InboundDispatcher inbound;
    final MembershipEvents membershipEvents;
    final ViewDispatcher views;
    final RedundancyCheck redundancy;
    final Introspection introspection;
    final GracefulLeave leave;

    /**
     * Starts the channel with {@code gate} as its handlers, checks that the cluster admits this member, and builds the
     * member. On failure, stops what it started and rethrows (a {@code MembershipSecurityException} from the channel
     * included).
     */
    static MemberAssembly assemble(GridConfig config, TimeSource time, SchedulerFactory schedulers, MemberLifecycle lifecycle,
                                   InboundGate gate) {
        KryoCodec codec = new KryoCodec(config.registeredTypes());
        CompatibilityInfo local = CompatibilityInfo.of(config.memberName(), config.partitionCount(), codec.userTypeIds());
        MemberThreads threads = MemberThreads.of(config.memberName(), schedulers);
        ClusterChannel channel = null;
        try {
            channel = ClusterChannel.start(GridChannelSettings.of(config, local.fingerprint()), gate, gate, gate);
            ClusterChannel started = channel;
            MemberCompatibility compatibility = new MemberCompatibility(local, started::currentView, time);
            long timeout = config.operationTimeout().toMillis();
            // before anything is built: a refused member applies nothing and is given nothing
            compatibility.checkJoin(started.currentView(), started.localId(), config.clusterName(),
                    (coordinator, query) -> started.request(coordinator, query, RequestOptions.timeout(timeout)), timeout);
            return new MemberAssembly(config, time, lifecycle, gate, threads, codec, started, compatibility);
        } catch (RuntimeException | Error e) {
            lifecycle.closed();
            gate.release();
            threads.scheduler().shutdownNow();
            threads.shutdownWorkersNow();
            if (channel != null) {
                channel.close();
            }
            throw e;
        }
    }

    private MemberAssembly(GridConfig config, TimeSource time, MemberLifecycle lifecycle, InboundGate gate,
                           MemberThreads threads, KryoCodec codec, ClusterChannel channel, MemberCompatibility compatibility) {
        this.config = config;
        this.time = time;
        this.lifecycle = lifecycle;
        this.gate = gate;
        this.threads = threads;
        this.codec = codec;
        this.channel = channel;
        this.compatibility = compatibility;
        this.partitioner = new KeyPartitioner(config.partitionCount());
        this.storage = new LocalStorage(config.partitionCount(), config.limits().maxMaps(), time);
        this.nearCaches = new NearCacheRegistry(config.partitionCount(), time);
        this.messenger = new ChannelMessenger(channel, compatibility);
        this.members = new ViewMembers(channel);
        MemberId self = channel.localId();
        long timeout = config.operationTimeout().toMillis();
        HybridClock clock = new HybridClock(time::wallMillis);
        LeaseTiming leaseTiming = LeaseTiming.forFailureDetection(config.failureDetectionTimeout());
        leaseTiming.check(channel.minimumSuspectMillis(), config.failureDetectionTimeout());
        this.topology = new TopologyState(self, config.partitionCount(),
                t -> new ReadLease(messenger, t, quorum, time, leaseTiming));
        this.readLease = topology.readLease();
        List<Runnable> built = new ArrayList<>(); // what to stop if a later step fails
        try {
            Replicator replicator = new Replicator(messenger, threads.scheduler(), timeout, time);
            this.invalidations = new InvalidationPublisher(messenger, config.partitionCount(), threads.scheduler());
            this.loadLeases = new LoadLeases(topology, storage);
            built.add(loadLeases::close);
            ChangeObservers changes = new ChangeObservers();
            PartitionWriter writer = new PartitionWriter(topology, clock, quorum, changes, invalidations::changed, replicator);
            this.expiry = new ExpiryService(storage, topology, writer, config.memberName());
            built.add(expiry::close);
            changes.add(expiry.evictor());
            this.entryEvents = new EntryEventService(messenger, codec, members::memberOf, timeout, config.memberName());
            built.add(entryEvents::close);
            changes.add(entryEvents.observer());
            this.mapStores = new MapStoreService(config.mapStores(), codec, topology, storage, messenger, config.memberName(),
                    timeout);
            built.add(mapStores::close);
            changes.add(mapStores);
            PrimaryOperations primary = new PrimaryOperations(topology, storage, writer, quorum, loadLeases, codec,
                    config.mergePolicies(), expiry.evictor()::afterWrite, mapStores::around);
            SplitMerger merger = new SplitMerger(topology, storage, replicator, threads.migration());
            this.coordinator = new Coordinator(messenger, topology, new OwnershipAssigner(TABLE_REPLICAS), threads.coordinator(),
                    merger::mergeOut, rejections);
            this.tableGate = new TableGate(topology, messenger::view, rejections); // the compatible members' view
            CoordinatorLink toCoordinator = new CoordinatorLink(messenger, coordinator);
            this.transfers = new TransferManager(topology, storage, replicator, toCoordinator::transferDone,
                    threads.migration(), config.limits().migrationBudgetBytes(),
                    config.limits().migrationRateBytesPerSecond());
            TopologyState applied = topology;
            this.earlyCopies = new EarlyCopies(config.limits().migrationBudgetBytes(), () -> applied.table().version(),
                    threads.scheduler(), threads.scheduler());
            this.migrationProgress = new MigrationProgressTracker(time, transfers, earlyCopies);
            StorageJanitor janitor = new StorageJanitor(storage, self);
            this.fences = new HandoverFences(topology, messenger, threads.scheduler(), timeout);
            topology.addListener(mapStores::onTable);
            topology.addListener(loadLeases::onTable);
            topology.addListener(fences::onTable);
            topology.addListener(janitor::onTable);
            topology.addListener(quorum::onTable);
            topology.addListener(nearCaches::onTable);
            topology.addListener(transfers::onTable);
            topology.addListener(earlyCopies::onTable);
            topology.addListener(migrationProgress::onTable);
            topology.addListener(tables::onTable);
            OperationInvoker invoker = new OperationInvoker(messenger, topology, primary, threads.scheduler(), timeout,
                    lifecycle::routesOperations, time);
            this.maps = new LocalMaps(storage, nearCaches, invalidations, expiry.evictor(), mapStores);
            this.mapContext = new MapContext(codec, partitioner, topology, storage, invoker, messenger, nearCaches,
                    lifecycle::ensureOpen, members::memberOf, timeout, entryEvents, config.limits().maxValueBytes(),
                    new MapDestroyer(messenger, maps::destroyLocally, timeout));
            this.inbound = new InboundDispatcher(topology, primary, new ReplicaReceiver(topology, storage, mapStores),
                    coordinator, mapContext, merger, nearCaches, fences, entryEvents, mapStores, messenger, tableGate,
                    rejections, compatibility, readLease, earlyCopies);
            this.membershipEvents = new MembershipEvents(self, threads.events());
            this.views = new ViewDispatcher(compatibility, messenger, tableGate, fences, loadLeases, quorum, topology,
                    readLease, coordinator, entryEvents, membershipEvents);
            this.redundancy = new RedundancyCheck(topology, messenger, storage, maps, lifecycle);
            this.introspection = new Introspection(topology, storage, members::memberOf, nearCaches,
                    () -> new GridIntrospection.RejectedMessages(channel.rejectedFromNonMembers(), rejections.malformedCount(),
                            rejections.notPermittedCount()), compatibility::refusedMembers, redundancy::stopSafety,
                    redundancy::requiredReplicas, redundancy::underReplicatedPartitions, invoker, mapStores,
                    config.clusterName(), () -> messenger.view().viewId(), messenger::sent, migrationProgress::progress);
            this.leave = new GracefulLeave(messenger, topology, toCoordinator, tables, time, config);
            threads.scheduler().scheduleWithFixedDelay(() -> janitor.purgeTombstones(TOMBSTONE_AGE_MILLIS), 10, 10,
                    TimeUnit.SECONDS);
            threads.scheduler().scheduleWithFixedDelay(() -> loadLeases.sweep(timeout), 100, 100, TimeUnit.MILLISECONDS);
            threads.scheduler().scheduleWithFixedDelay(readLease::renew, 0, leaseTiming.renewNanos(), TimeUnit.NANOSECONDS);
        } catch (RuntimeException | Error e) {
            built.forEach(Runnable::run);
            throw e;
        }
    }

    /**
     * Stops every component, the member's threads first (so no sweep parks anyone again), then the services with
     * threads of their own. {@code channelFirst}: a graceful stop disconnects first; a crash or failed start keeps the
     * channel until the end.
     */
    void stop(boolean channelFirst) {
        if (channelFirst) {
            channel.close();
        }
        threads.scheduler().shutdownNow();
        mapContext.invoker().stop(); // the retries the scheduler dropped: their callers get an answer
        loadLeases.close(); // no sweep runs any more: nobody may stay parked
        threads.shutdownWorkersNow();
        expiry.close();
        entryEvents.close();
        mapStores.close();
        if (!channelFirst) {
            channel.close();
        }
    }
}
