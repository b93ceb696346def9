package dev.tessera.grid.core.mapstore;

import dev.tessera.grid.MapConfig;
import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.MapStore;
import dev.tessera.grid.MapStoreConfig;
import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.mapstore.WriteBehindQueue.Pending;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.replication.ChangeCause;
import dev.tessera.grid.core.replication.ChangeObserver;
import dev.tessera.grid.core.replication.ReplicaListener;
import dev.tessera.grid.core.replication.ReplicaTargets;
import dev.tessera.grid.core.serialization.KryoCodec;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.OpCode;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.core.wire.WriteBehindFlushed;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import dev.tessera.grid.membership.MemberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's MapStore support: runs operations on maps with a store at their primary (read-through,
 * write-through, write-behind admission), queues write-behind changes as the primary applies them,
 * keeps dirty marks of the changes it holds as a replica, and hands write-behind work over when
 * primaries change. Write-behind is at-least-once: a change may be stored twice after a failover.
 */
public final class MapStoreService implements ChangeObserver, ReplicaListener {
    private static final Logger log = LoggerFactory.getLogger(MapStoreService.class);
    static final long FLUSH_TICK_MILLIS = 50;

    private final Map<String, MapStore<?, ?>> stores;
    private final KryoCodec codec;
    private final TopologyState topology;
    private final LocalStorage storage;
    private final StoreThreads threads;
    private final ReadThrough reads;
    private final WriteThrough writes;
    private final WriteBehindFlusher flusher;
    private final ConcurrentHashMap<String, StoreBinding> bindings = new ConcurrentHashMap<>();

    public MapStoreService(Map<String, MapStore<?, ?>> stores, KryoCodec codec, TopologyState topology, LocalStorage storage,
                           Messenger messenger, String memberName, long timeoutMillis) {
        this.stores = stores;
        this.codec = codec;
        this.topology = topology;
        this.storage = storage;
        this.threads = new StoreThreads(memberName);
        this.reads = new ReadThrough(topology, threads, timeoutMillis);
        this.writes = new WriteThrough(reads, timeoutMillis);
        this.flusher = new WriteBehindFlusher(topology, messenger);
        threads.flusher().scheduleWithFixedDelay(this::flushAll, FLUSH_TICK_MILLIS, FLUSH_TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** @throws IllegalArgumentException if the map names a store not registered on this member */
    public void checkRegistered(MapConfig config) {
        MapStoreConfig ms = config.mapStore();
        if (ms != null && !stores.containsKey(ms.storeName())) {
            throw new IllegalArgumentException("mapStore: no MapStore is registered as '" + ms.storeName()
                    + "' on this member; register it with GridBuilder.mapStore(\"" + ms.storeName() + "\", store) on every member"
                    + " (registered: " + stores.keySet() + ")");
        }
    }

    // ---- operations at the primary ----

    /**
     * Runs {@code op}, admitted at its primary, on {@code map} (which has a store) around the owner's path:
     * read-through before a read, write-through or write-behind admission around a write. {@code apply} is that path
     * without a store: it admits the operations it is given again, applies and replicates them.
     */
    public CompletableFuture<OpResponse> around(ClientOp op, MapContainer map, Function<ClientOp, CompletableFuture<OpResponse>> apply) {
        StoreBinding b;
        try {
            b = binding(map);
        } catch (IllegalArgumentException e) {
            return done(error(e.getMessage()));
        }
        if (!op.code().mutating) {
            return read(b, map, op, apply);
        }
        if (op.code() == OpCode.LOAD_IF_ABSENT) {
            return apply.apply(op);
        }
        return b.writeBehind() ? writeBehind(b, map, op, apply) : writeThrough(b, map, op, apply);
    }

    private CompletableFuture<OpResponse> read(StoreBinding b, MapContainer map, ClientOp op,
                                               Function<ClientOp, CompletableFuture<OpResponse>> apply) {
        int p = op.partition();
        Bytes key = Bytes.wrap(op.key());
        if (map.readLive(p, key, map.nowMillis(), false) != null || b.pending(p, key)) {
            return apply.apply(op);
        }
        return reads.ensureLoaded(b, map, p, key, apply)
                .handle((x, e) -> e)
                .thenCompose(e -> e == null ? apply.apply(op) : done(failed(e)));
    }

    private CompletableFuture<OpResponse> writeThrough(StoreBinding b, MapContainer map, ClientOp op,
                                                       Function<ClientOp, CompletableFuture<OpResponse>> apply) {
        Bytes stripeKey = op.key() == null ? Bytes.wrap(new byte[0]) : Bytes.wrap(op.key());
        java.util.concurrent.Executor stripe = null;
        try {
            stripe = threads.stripe(b.config.storeName(), stripeKey);
            return CompletableFuture.supplyAsync(() -> op.code() == OpCode.CLEAR_PARTITION
                    ? writes.clear(b, map, op, apply) : writes.execute(b, map, op, apply), stripe);
        } catch (RejectedExecutionException rejected) {
            return done(refused(StoreThreads.describe(rejected, b.config.storeName(), stripe)));
        }
    }

    /** Applies through the normal path (the queue is filled by {@link #onChange}) if the queue has room. */
    private CompletableFuture<OpResponse> writeBehind(StoreBinding b, MapContainer map, ClientOp op,
                                                      Function<ClientOp, CompletableFuture<OpResponse>> apply) {
        if (op.code() == OpCode.CLEAR_PARTITION) {
            return apply.apply(op);
        }
        int p = op.partition();
        Bytes key = Bytes.wrap(op.key());
        if (!b.queue.admits(key)) {
            return done(refused("map '" + map.name() + "': its write-behind queue on this member is full (writeQueueCapacity "
                    + b.queue.capacity() + "); MapStore '" + b.config.storeName() + "' is not keeping up. The write was not applied"));
        }
        if (Outcome.needsPrevious(op.code()) && map.readLive(p, key, map.nowMillis(), false) == null && !b.pending(p, key)) {
            return reads.ensureLoaded(b, map, p, key, apply)
                    .handle((x, e) -> e)
                    .thenCompose(e -> e == null ? apply.apply(op) : done(failed(e)));
        }
        return apply.apply(op);
    }

    // ---- write-behind bookkeeping ----

    /** At the primary, inside the key's update: queue the change for the store (expiry and eviction are not). */
    @Override
    public void onChange(MapContainer map, int partition, Bytes key, Record before, Record after, ChangeCause cause) {
        if (map.config().mapStore() == null || cause == ChangeCause.EXPIRED || cause == ChangeCause.EVICTED) {
            return;
        }
        StoreBinding b = bindingOrNull(map);
        if (b == null || !b.writeBehind()) {
            return;
        }
        if (cause == ChangeCause.LOADED) {
            b.loaded.add(new Pending(key, partition, after.version(), null, 0)); // the store holds it already
        } else {
            b.queue.offer(key, partition, after.version(), after.value(), storage.time().wallMillis());
        }
    }

    /** At a replica: a copied change of a write-behind map is dirty until its primary says it is stored. */
    @Override
    public void applied(MapContainer map, int partition, List<ReplicaEntry> entries) {
        if (map.config().mapStore() == null) {
            return;
        }
        StoreBinding b = bindingOrNull(map);
        if (b != null && b.writeBehind()) {
            for (ReplicaEntry e : entries) {
                b.marks.mark(partition, Bytes.wrap(e.key()), e.version());
            }
        }
    }

    /** A primary stored these keys: their marks up to those versions go. */
    public void onFlushed(MemberId sender, WriteBehindFlushed m) {
        StoreBinding b = bindings.get(m.map());
        if (b == null || !b.writeBehind() || m.partition() < 0 || m.partition() >= topology.table().partitionCount()) {
            return;
        }
        for (WriteBehindFlushed.Key k : m.keys()) {
            b.marks.stored(m.partition(), Bytes.wrap(k.key()), k.version());
        }
    }

    /** Table listener (must not block): hands write-behind work over on the flusher thread. */
    public void onTable(PartitionTable previous, PartitionTable next) {
        try {
            threads.flusher().execute(() -> handOver(previous, next));
        } catch (RejectedExecutionException stopped) {
            // the member is closing
        }
    }

    /**
     * A new primary queues the dirty marks it holds (with the values it holds now); a former primary turns
     * its queued changes into marks (the new primary has them too); a member that no longer holds a
     * partition forgets its marks.
     */
    private void handOver(PartitionTable previous, PartitionTable next) {
        MemberId self = topology.self();
        long now = storage.time().wallMillis();
        for (StoreBinding b : bindings.values()) {
            MapContainer map = storage.get(b.mapName);
            if (!b.writeBehind() || map == null) {
                continue;
            }
            for (int p = 0; p < next.partitionCount(); p++) {
                boolean was = self.equals(previous.primary(p));
                boolean is = self.equals(next.primary(p));
                if (is && !was) {
                    int n = requeue(b, map, p, now);
                    if (n > 0) {
                        log.info("Map '{}' partition {}: queued {} change(s) the previous primary may not have stored", b.mapName, p, n);
                    }
                } else if (was && !is) {
                    for (Pending e : b.queue.removePartition(p)) {
                        b.marks.mark(p, e.key(), e.version());
                    }
                }
                if (!is && !ReplicaTargets.isReplica(next, p, self, map.replicas())) {
                    b.marks.drain(p);
                }
            }
        }
    }

    private int requeue(StoreBinding b, MapContainer map, int p, long now) {
        Map<Bytes, Long> marks = b.marks.drain(p);
        long due = now + b.config.writeDelay().toMillis();
        marks.forEach((key, version) -> {
            Record r = map.peek(p).get(key);
            byte[] value = r == null ? null : r.value();
            b.queue.offerIfAbsent(new Pending(key, p, r == null ? version : r.version(), value, due));
        });
        return marks.size();
    }

    private void flushAll() {
        long now = storage.time().wallMillis();
        for (StoreBinding b : bindings.values()) {
            if (b.writeBehind()) {
                try {
                    flusher.announceLoaded(b);
                    flusher.flush(b, now);
                } catch (RuntimeException e) {
                    log.error("Write-behind flush of map '{}' failed unexpectedly", b.mapName, e);
                }
            }
        }
    }

    /** Changes waiting for the store on this member (write-behind), for introspection and tests. */
    public int pendingWrites(String map) {
        StoreBinding b = bindings.get(map);
        return b == null || !b.writeBehind() ? 0 : b.queue.size();
    }

    /** Per map with a store bound here: loads, write-behind queue depth and failed store calls. */
    public Map<String, GridIntrospection.MapStoreStats> stats() {
        Map<String, GridIntrospection.MapStoreStats> out = new java.util.TreeMap<>();
        bindings.forEach((map, b) -> out.put(map, new GridIntrospection.MapStoreStats(b.store.loads(),
                b.writeBehind() ? b.queue.size() : 0, b.store.failures())));
        return out;
    }

    /** Dirty marks this member holds as a replica of write-behind partitions. */
    public int dirtyMarks(String map) {
        StoreBinding b = bindings.get(map);
        return b == null || !b.writeBehind() ? 0 : b.marks.count();
    }

    /** Drops a destroyed map's binding: its write-behind queue and dirty marks are discarded, not stored. */
    public void forget(String map) {
        bindings.remove(map);
    }

    public void close() {
        threads.shutdown();
    }

    // ---- helpers ----

    private StoreBinding binding(MapContainer map) {
        return bindings.computeIfAbsent(map.name(), name -> {
            checkRegistered(map.config());
            MapStoreConfig ms = map.config().mapStore();
            return new StoreBinding(name, ms, new BoundStore(ms.storeName(), name, stores.get(ms.storeName()), codec),
                    map.partitionCount());
        });
    }

    private StoreBinding bindingOrNull(MapContainer map) {
        try {
            return binding(map);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static OpResponse error(String message) {
        return new OpResponse(Status.ERROR, false, null, 0, 0, message);
    }

    /** A bound of this member refused the operation before anything was applied. */
    private static OpResponse refused(String message) {
        return new OpResponse(Status.LIMIT, false, null, 0, 0, message);
    }

    /** The store's failure, with its kind ({@link Status#ofFailure}) and message. */
    private static OpResponse failed(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return new OpResponse(Status.ofFailure(cause), false, null, 0, 0, cause.getMessage());
    }

    private static CompletableFuture<OpResponse> done(OpResponse r) {
        return CompletableFuture.completedFuture(r);
    }
}
