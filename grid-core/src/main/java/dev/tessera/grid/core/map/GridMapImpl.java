package dev.tessera.grid.core.map;


import dev.tessera.grid.EntryListener;
import dev.tessera.grid.GridIntrospection.MapOperation;
import dev.tessera.grid.GridBuilder;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.GridSerializationException;
import dev.tessera.grid.KeyProcessor;
import dev.tessera.grid.LoadOptions;
import dev.tessera.grid.Registration;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.Member;
import dev.tessera.grid.core.expiry.BackupReads;
import dev.tessera.grid.core.loading.Futures;
import dev.tessera.grid.core.loading.LoadFlow;
import dev.tessera.grid.core.store.metrics.MapOperationCounters;
import dev.tessera.grid.core.nearcache.NearCache;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.replication.ReplicaTargets;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.OpCode;
import dev.tessera.grid.core.wire.PackedEntries;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * {@link GridMap} on top of the member's services: serializes, finds the partition, reads locally
 * when this member is the primary (no message, no future), and otherwise sends the operation to the
 * primary through the {@link dev.tessera.grid.core.routing.OperationInvoker}.
 */
public final class GridMapImpl<K, V> extends AbstractMap<K, V> implements GridMap<K, V> {
    /** {@link #readLocally}: this member knows the key has no live value. */
    private static final Record NO_LOCAL_VALUE = new Record(new byte[0], null, 0, 0);
    /** Most entries of one partition a putAll sends in one message. */
    private static final int PUT_ALL_GROUP = 500;

    private final String name;
    private final MapConfig config;
    /** A CONSISTENT map: served as primary only under this member's read lease (ADR 0013). */
    private final boolean consistent;
    private final MapContext ctx;
    private final MapContainer local;
    private final ClusterScan scan;
    private final ClusterClear clearer;
    private final NearCache nearCache;
    private final LoadFlow loads;
    /** Completed gets, puts and removes (introspection and metrics); see {@link MapOperationCounters} for the cost. */
    private final MapOperationCounters ops;
    /** Set when the map was destroyed (here or by another member): this handle refuses every operation. */
    private volatile boolean destroyed;

    public GridMapImpl(String name, MapConfig config, MapContext ctx) {
        this.name = name;
        this.config = config;
        this.consistent = config.splitBrainMode() == SplitBrainMode.CONSISTENT;
        this.ctx = ctx;
        this.local = ctx.storage().getOrCreate(name, config);
        this.ops = local.operations();
        this.scan = new ClusterScan(name, ctx);
        this.clearer = new ClusterClear(name, config, ctx);
        this.nearCache = config.nearCache() == null ? null : ctx.nearCaches().create(name, config.nearCache());
        this.loads = new LoadFlow(name, config, ctx.codec(), this::call, ctx.time(), ctx.invoker()::memberRunning);
    }

    @Override
    public void destroy() {
        checkUsable();
        await(ctx.destroyer().destroyEverywhere(name));
    }

    /** Called when the map is dropped on this member: this handle refuses operations from now on. */
    public void markDestroyed() {
        destroyed = true;
        if (nearCache != null) {
            nearCache.clear();
        }
    }

    /** @throws IllegalStateException if the grid is closed or this map was destroyed */
    private void checkUsable() {
        ctx.ensureOpen().run();
        if (destroyed) {
            throw new IllegalStateException("Map '" + name + "' was destroyed; call grid.map(\"" + name
                    + "\") for a new, empty map of that name");
        }
    }

    /** Waits for an operation of this map, and no longer once the member stopped. */
    private <T> T await(CompletableFuture<T> f) {
        return Futures.await(f, ctx.invoker()::memberRunning);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public MapConfig config() {
        return config;
    }

    // ---- reads ----

    @Override
    public V get(Object key) {
        checkUsable();
        long t0 = ops.start();
        byte[] k = lookupKeyBytes(key);
        if (k == null) {
            return ops.got(null, t0);
        }
        int p = ctx.partitioner().partitionOf(k);
        Record r = readLocally(p, k);
        if (r != null) {
            return ops.got(r == NO_LOCAL_VALUE ? null : value(r), t0);
        }
        return ops.got(await(remoteGet(k, p)), t0);
    }

    private CompletableFuture<V> getFuture(K key) {
        checkUsable();
        long t0 = ops.start();
        byte[] k = lookupKeyBytes(key);
        if (k == null) {
            return CompletableFuture.completedFuture(ops.got(null, t0));
        }
        int p = ctx.partitioner().partitionOf(k);
        Record r = readLocally(p, k);
        if (r != null) {
            return CompletableFuture.completedFuture(ops.got(r == NO_LOCAL_VALUE ? null : value(r), t0));
        }
        return ops.gotAsync(remoteGet(k, p), t0);
    }

    /** A read at the primary, through the near cache if the map has one. */
    @SuppressWarnings("unchecked")
    private CompletableFuture<V> remoteGet(byte[] k, int p) {
        if (nearCache == null) {
            return call(OpCode.GET, p, k, null, null, 0).thenApply(r -> value(r.value()));
        }
        Bytes key = Bytes.wrap(k);
        Object cached = nearCache.get(key);
        if (cached != null) {
            return CompletableFuture.completedFuture((V) cached);
        }
        long stamp = nearCache.stamp(p);
        return call(OpCode.GET, p, k, null, null, 0).thenApply(r -> {
            V v = value(r.value());
            nearCache.putIfUnchanged(key, v, p, stamp, r.expiresAt());
            return v;
        });
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    private CompletableFuture<Boolean> containsKeyFuture(K key) {
        return getFuture(key).thenApply(Objects::nonNull);
    }

    @Override
    public <R> R executeOnKey(K key, KeyProcessor<K, V, R> processor) {
        return await(executeFuture(key, processor));
    }

    @Override
    public <R> Map<K, R> executeOnKeys(Set<? extends K> keys, KeyProcessor<K, V, R> processor) {
        Map<K, CompletableFuture<R>> calls = new HashMap<>();
        for (K key : keys) {
            calls.put(key, executeFuture(key, processor));
        }
        Map<K, R> results = new HashMap<>();
        for (Map.Entry<K, CompletableFuture<R>> call : calls.entrySet()) {
            R r = await(call.getValue());
            if (r != null) {
                results.put(call.getKey(), r);
            }
        }
        return results;
    }

    /** The processor travels serialized (a registered type) and runs inside the key's update at its primary. */
    @SuppressWarnings("unchecked")
    private <R> CompletableFuture<R> executeFuture(K key, KeyProcessor<K, V, R> processor) {
        checkUsable();
        Objects.requireNonNull(processor, "processor");
        if (config.mapStore() != null) {
            throw new dev.tessera.grid.GridException("Map '" + name + "': executeOnKey is not supported on a map with a "
                    + "MapStore yet; use compute");
        }
        byte[] k = keyBytes(key);
        byte[] p = ctx.codec().serialize(processor);
        return call(OpCode.EXECUTE_ON_KEY, ctx.partitioner().partitionOf(k), k, p, null, 0)
                .thenApply(r -> r.value() == null ? null : (R) ctx.codec().deserialize(r.value()));
    }

    @Override
    public Map<K, V> getAll(Set<? extends K> keys) {
        return await(getAllFuture(keys));
    }

    private CompletableFuture<Map<K, V>> getAllFuture(Set<? extends K> keys) {
        checkUsable();
        Objects.requireNonNull(keys, "keys");
        List<K> order = new ArrayList<>(keys);
        List<CompletableFuture<V>> values = new ArrayList<>(order.size());
        for (K k : order) {
            values.add(getFuture(k));
        }
        return CompletableFuture.allOf(values.toArray(CompletableFuture[]::new)).thenApply(x -> {
            Map<K, V> out = new HashMap<>();
            for (int i = 0; i < order.size(); i++) {
                V v = values.get(i).join();
                if (v != null) {
                    out.put(order.get(i), v);
                }
            }
            return out;
        });
    }

    // ---- writes ----

    @Override
    public V put(K key, V value) {
        long t0 = ops.start();
        V previous = await(putFuture(key, value));
        ops.put(t0);
        return previous;
    }

    private CompletableFuture<V> putFuture(K key, V value) {
        return keyValueCall(OpCode.PUT, key, value, null).thenApply(r -> value(r.value()));
    }

    @Override
    public void set(K key, V value) {
        long t0 = ops.start();
        await(setFuture(key, value));
        ops.put(t0);
    }

    private CompletableFuture<Void> setFuture(K key, V value) {
        return keyValueCall(OpCode.SET, key, value, null).thenApply(r -> null);
    }

    @Override
    public V put(K key, V value, Duration ttl) {
        long ttlMillis = ttlMillis(ttl);
        long t0 = ops.start();
        V previous = await(keyValueCall(OpCode.PUT, key, value, null, ttlMillis).thenApply(r -> value(r.value())));
        ops.put(t0);
        return previous;
    }

    @Override
    public void set(K key, V value, Duration ttl) {
        long ttlMillis = ttlMillis(ttl);
        long t0 = ops.start();
        await(keyValueCall(OpCode.SET, key, value, null, ttlMillis));
        ops.put(t0);
    }

    private static long ttlMillis(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
        }
        return ttl.toMillis();
    }

    @Override
    public V getOrLoad(K key, Function<? super K, ? extends V> loader) {
        return getOrLoad(key, LoadOptions.DEFAULTS, loader);
    }

    @Override
    public V getOrLoad(K key, LoadOptions options, Function<? super K, ? extends V> loader) {
        checkUsable();
        Objects.requireNonNull(loader, "loader");
        LoadFlow.validate(options, config);
        byte[] k = keyBytes(key);
        return loads.getOrLoad(key, k, ctx.partitioner().partitionOf(k), options, loader, false);
    }

    @Override
    public Registration addEntryListener(EntryListener<K, V> listener, boolean includeValues) {
        checkUsable();
        return ctx.entryEvents().register(name, listener, includeValues, true);
    }

    @Override
    public Registration addLocalEntryListener(EntryListener<K, V> listener, boolean includeValues) {
        checkUsable();
        return ctx.entryEvents().register(name, listener, includeValues, false);
    }

    @Override
    public V remove(Object key) {
        checkUsable();
        byte[] k = lookupKeyBytes(key);
        if (k == null) {
            return null;
        }
        long t0 = ops.start();
        V previous = await(call(OpCode.REMOVE, ctx.partitioner().partitionOf(k), k, null, null, 0).thenApply(r -> value(r.value())));
        ops.removed(t0);
        return previous;
    }

    private CompletableFuture<V> removeFuture(K key) {
        return keyCall(OpCode.REMOVE, key).thenApply(r -> value(r.value()));
    }

    @Override
    public void delete(K key) {
        long t0 = ops.start();
        await(deleteFuture(key));
        ops.removed(t0);
    }

    private CompletableFuture<Void> deleteFuture(K key) {
        return keyCall(OpCode.DELETE, key).thenApply(r -> null);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        long t0 = ops.start();
        V previous = await(putIfAbsentFuture(key, value));
        ops.put(t0);
        return previous;
    }

    private CompletableFuture<V> putIfAbsentFuture(K key, V value) {
        return keyValueCall(OpCode.PUT_IF_ABSENT, key, value, null).thenApply(r -> value(r.value()));
    }

    @Override
    public V replace(K key, V value) {
        long t0 = ops.start();
        V previous = await(replaceFuture(key, value));
        ops.put(t0);
        return previous;
    }

    private CompletableFuture<V> replaceFuture(K key, V value) {
        return keyValueCall(OpCode.REPLACE, key, value, null).thenApply(r -> value(r.value()));
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        long t0 = ops.start();
        boolean replaced = await(replaceFuture(key, oldValue, newValue));
        ops.put(t0);
        return replaced;
    }

    private CompletableFuture<Boolean> replaceFuture(K key, V oldValue, V newValue) {
        Objects.requireNonNull(oldValue, "oldValue");
        return keyValueCall(OpCode.REPLACE_IF_EQUALS, key, newValue, ctx.codec().serialize(oldValue)).thenApply(OpResponse::flag);
    }

    @Override
    public boolean remove(Object key, Object value) {
        if (value == null) {
            return false; // ConcurrentMap: a null value is never mapped
        }
        checkUsable();
        byte[] k = lookupKeyBytes(key);
        byte[] v;
        try {
            v = ctx.codec().serialize(value);
        } catch (GridSerializationException neverStored) {
            return false;
        }
        if (k == null) {
            return false;
        }
        long t0 = ops.start();
        boolean removed = await(call(OpCode.REMOVE_IF_EQUALS, ctx.partitioner().partitionOf(k), k, null, v, 0)
                .thenApply(OpResponse::flag));
        ops.removed(t0);
        return removed;
    }

    private CompletableFuture<Boolean> removeFuture(K key, V value) {
        Objects.requireNonNull(value, "value");
        checkUsable();
        byte[] k = keyBytes(key);
        return call(OpCode.REMOVE_IF_EQUALS, ctx.partitioner().partitionOf(k), k, null, ctx.codec().serialize(value), 0)
                .thenApply(OpResponse::flag);
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> entries) {
        long t0 = ops.start();
        await(putAllFuture(entries));
        ops.putAll(entries.size(), t0);
    }

    /**
     * One message per partition (in groups of at most {@link #PUT_ALL_GROUP} entries) rather than one per
     * entry; maps with a {@link dev.tessera.grid.MapStore} store entry by entry, in order per key.
     */
    private CompletableFuture<Void> putAllFuture(Map<? extends K, ? extends V> entries) {
        checkUsable();
        if (config.mapStore() != null) {
            List<CompletableFuture<Void>> writes = new ArrayList<>(entries.size());
            for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
                writes.add(setFuture(e.getKey(), e.getValue()));
            }
            return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
        }
        List<List<byte[]>> byPartition = new ArrayList<>(java.util.Collections.nCopies(partitionCount(), null));
        for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
            byte[] k = keyBytes(e.getKey());
            byte[] v = checkSize(ctx.codec().serialize(Objects.requireNonNull(e.getValue(), "value")), "value");
            int p = ctx.partitioner().partitionOf(k);
            if (byPartition.get(p) == null) {
                byPartition.set(p, new ArrayList<>());
            }
            byPartition.get(p).add(k);
            byPartition.get(p).add(v);
        }
        List<CompletableFuture<OpResponse>> writes = new ArrayList<>();
        for (int p = 0; p < byPartition.size(); p++) {
            List<byte[]> pairs = byPartition.get(p);
            for (int from = 0; pairs != null && from < pairs.size(); ) {
                int to = groupEnd(pairs, from);
                List<byte[]> group = pairs.subList(from, to);
                writes.add(group.size() == 2 ? call(OpCode.SET, p, group.get(0), group.get(1), null, 0) : putGroup(p, group));
                from = to;
            }
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    /**
     * The end of the group of pairs that starts at {@code from}: at most {@link #PUT_ALL_GROUP} pairs, and no more
     * bytes than one message field may carry (the group travels packed in one), unless a single pair.
     */
    private static int groupEnd(List<byte[]> pairs, int from) {
        int to = from;
        long bytes = 4;
        while (to < pairs.size() && to - from < 2 * PUT_ALL_GROUP) {
            long pair = 8L + pairs.get(to).length + pairs.get(to + 1).length;
            if (to > from && bytes + pair > GridBuilder.MAX_VALUE_BYTES) {
                break;
            }
            bytes += pair;
            to += 2;
        }
        return to;
    }

    /** Sends one partition's pairs as a PUT_ALL; keeps our own near cache from serving the replaced values. */
    private CompletableFuture<OpResponse> putGroup(int p, List<byte[]> pairs) {
        int size = 0;
        for (byte[] b : pairs) {
            size += b.length + 4;
        }
        CompletableFuture<OpResponse> f = ctx.invoker().invoke(name, config, p, OpCode.PUT_ALL, null,
                PackedEntries.encode(pairs, size + 4), null, 0, 0);
        if (nearCache == null) {
            return f;
        }
        Runnable invalidate = () -> {
            for (int i = 0; i < pairs.size(); i += 2) {
                nearCache.invalidate(Bytes.wrap(pairs.get(i)), p);
            }
        };
        invalidate.run();
        return f.whenComplete((r, e) -> invalidate.run());
    }

    // ---- atomic read-modify-write: compare-and-set on the primary by entry version ----

    @Override
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> fn) {
        Objects.requireNonNull(fn, "remappingFunction");
        return casLoop(key, (k, old) -> fn.apply(k, old));
    }

    @Override
    public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> fn) {
        Objects.requireNonNull(fn, "remappingFunction");
        return casLoop(key, (k, old) -> old == null ? null : fn.apply(k, old), true);
    }

    @Override
    public V computeIfAbsent(K key, Function<? super K, ? extends V> fn) {
        Objects.requireNonNull(fn, "mappingFunction");
        V current = get(key); // the cheap way first: a local, backup or near-cache read
        if (current != null) {
            return current;
        }
        byte[] k = keyBytes(key); // a miss: the function runs once cluster-wide, like getOrLoad's loader
        return loads.getOrLoad(key, k, ctx.partitioner().partitionOf(k), LoadOptions.DEFAULTS, fn, true);
    }

    @Override
    public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> fn) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(fn, "remappingFunction");
        return casLoop(key, (k, old) -> old == null ? value : fn.apply(old, value));
    }

    private V casLoop(K key, BiFunction<K, V, V> fn) {
        return casLoop(key, fn, false);
    }

    /** Read value and version at the primary, compute here, write back only if the version is unchanged. */
    private V casLoop(K key, BiFunction<K, V, V> fn, boolean skipIfAbsent) {
        checkUsable();
        byte[] k = keyBytes(key);
        int p = ctx.partitioner().partitionOf(k);
        while (true) {
            OpResponse read = await(call(OpCode.GET_VERSIONED, p, k, null, null, 0));
            V old = value(read.value());
            if (skipIfAbsent && old == null) {
                return null;
            }
            V next = fn.apply(key, old);
            if (next == null && old == null) {
                return null;
            }
            byte[] nextBytes = next == null ? null : ctx.codec().serialize(next);
            OpResponse write = await(call(OpCode.SET_IF_VERSION, p, k, nextBytes, null, read.version()));
            if (write.flag()) {
                return next;
            }
        }
    }

    // ---- cluster-wide views ----

    @Override
    public int size() {
        checkUsable();
        long n = scan.size();
        return n > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) n;
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    /** One request per member ({@link ClusterClear}); a partition it could not clear is cleared on its own. */
    @Override
    public void clear() {
        checkUsable();
        if (nearCache != null) {
            nearCache.clear();
        }
        try {
            await(clearer.clear(p -> call(OpCode.CLEAR_PARTITION, p, null, null, null, 0)));
        } finally {
            if (nearCache != null) {
                nearCache.clear();
            }
        }
    }

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        checkUsable();
        return new EntrySetView<>(this, scan);
    }

    @Override
    public Member ownerOf(K key) {
        checkUsable();
        PartitionTable t = ctx.topology().table();
        return ctx.memberOf().apply(t.primary(partitionOf(key)));
    }

    @Override
    public int partitionOf(K key) {
        return ctx.partitioner().partitionOf(keyBytes(key));
    }

    // ---- async API: user continuations run on the common pool, never on a messaging thread ----

    @Override
    public CompletableFuture<V> getAsync(K key) {
        return forUser(getFuture(key));
    }

    @Override
    public CompletableFuture<Boolean> containsKeyAsync(K key) {
        return forUser(containsKeyFuture(key));
    }

    @Override
    public CompletableFuture<Map<K, V>> getAllAsync(Set<? extends K> keys) {
        return forUser(getAllFuture(keys));
    }

    @Override
    public CompletableFuture<V> putAsync(K key, V value) {
        return forUser(ops.async(ops.start(), MapOperation.PUT, 1, putFuture(key, value)));
    }

    @Override
    public CompletableFuture<Void> setAsync(K key, V value) {
        return forUser(ops.async(ops.start(), MapOperation.PUT, 1, setFuture(key, value)));
    }

    @Override
    public CompletableFuture<V> removeAsync(K key) {
        return forUser(ops.async(ops.start(), MapOperation.REMOVE, 1, removeFuture(key)));
    }

    @Override
    public CompletableFuture<Void> deleteAsync(K key) {
        return forUser(ops.async(ops.start(), MapOperation.REMOVE, 1, deleteFuture(key)));
    }

    @Override
    public CompletableFuture<V> putIfAbsentAsync(K key, V value) {
        return forUser(ops.async(ops.start(), MapOperation.PUT, 1, putIfAbsentFuture(key, value)));
    }

    @Override
    public CompletableFuture<V> replaceAsync(K key, V value) {
        return forUser(ops.async(ops.start(), MapOperation.PUT, 1, replaceFuture(key, value)));
    }

    @Override
    public CompletableFuture<Boolean> replaceAsync(K key, V oldValue, V newValue) {
        return forUser(ops.async(ops.start(), MapOperation.PUT, 1, replaceFuture(key, oldValue, newValue)));
    }

    @Override
    public CompletableFuture<Boolean> removeAsync(K key, V value) {
        return forUser(ops.async(ops.start(), MapOperation.REMOVE, 1, removeFuture(key, value)));
    }

    @Override
    public CompletableFuture<Void> putAllAsync(Map<? extends K, ? extends V> entries) {
        return forUser(ops.async(ops.start(), MapOperation.PUT, entries.size(), putAllFuture(entries)));
    }

    // (ops.async(ops.start(), ..., xFuture(...)): arguments are evaluated left to right, so the clock is read first)

    private static <T> CompletableFuture<T> forUser(CompletableFuture<T> f) {
        return f.isDone() ? f : f.whenCompleteAsync((v, e) -> { });
    }

    // ---- helpers ----

    /**
     * The answer this member can give without asking the primary: the live record, {@link #NO_LOCAL_VALUE}
     * for none, or {@code null} to ask the primary. A backup copy that looks expired must ask: a backup
     * does not see the primary's reads, so an entry idle here may have been read there.
     */
    private Record readLocally(int p, byte[] k) {
        long stamp = ctx.topology().optimisticRead();
        PartitionTable t = ctx.topology().table();
        Bytes key = Bytes.wrap(k);
        Record r;
        if (ctx.messenger().self().equals(t.primary(p))) {
            if (!ctx.topology().servesAsPrimary(t, p)) {
                return null; // held back by a handover: the remote path retries until it serves
            }
            if (consistent && !ctx.topology().holdsReadLease()) {
                return null; // no read lease (ADR 0013): the primary path refuses, and the caller retries
            }
            r = local.readLive(p, key, true);
            if (local.peek(p).uncommitted().of(key) != null) {
                return null; // its latest write is not on the backups yet: the primary path waits for it
            }
        } else if (isBackupReadable(t, p)) {
            long now = local.nowMillis();
            if (BackupReads.mustAskPrimary(local, p, key, now)) {
                return null;
            }
            r = local.readLive(p, key, now, false);
        } else {
            return null;
        }
        if (!ctx.topology().validate(stamp)) {
            return null; // a table or a successor's fence arrived meanwhile: the primary answers
        }
        if (r == null && config.mapStore() != null) {
            return null; // a miss of a map with a store reads through at the primary
        }
        return r == null ? NO_LOCAL_VALUE : r;
    }

    private boolean isBackupReadable(PartitionTable t, int p) {
        return config.readFromBackup() && t.slotOf(p, ctx.messenger().self()) > 0
                && ReplicaTargets.isReplica(t, p, ctx.messenger().self(), local.replicas());
    }

    private CompletableFuture<OpResponse> keyCall(OpCode code, Object key) {
        checkUsable();
        byte[] k = keyBytes(key);
        return call(code, ctx.partitioner().partitionOf(k), k, null, null, 0);
    }

    private CompletableFuture<OpResponse> keyValueCall(OpCode code, K key, V value, byte[] expected) {
        return keyValueCall(code, key, value, expected, 0);
    }

    private CompletableFuture<OpResponse> keyValueCall(OpCode code, K key, V value, byte[] expected, long ttlMillis) {
        checkUsable();
        byte[] k = keyBytes(key);
        byte[] v = ctx.codec().serialize(Objects.requireNonNull(value, "value"));
        return call(code, ctx.partitioner().partitionOf(k), k, v, expected, 0, ttlMillis);
    }

    private CompletableFuture<OpResponse> call(OpCode code, int p, byte[] key, byte[] value, byte[] expected, long expectedVersion) {
        return call(code, p, key, value, expected, expectedVersion, 0);
    }

    private CompletableFuture<OpResponse> call(OpCode code, int p, byte[] key, byte[] value, byte[] expected, long expectedVersion,
                                               long ttlMillis) {
        checkSize(value, "value");
        checkSize(expected, "expected value");
        CompletableFuture<OpResponse> f = ctx.invoker().invoke(name, config, p, code, key, value, expected, expectedVersion, ttlMillis);
        if (nearCache != null && code.mutating) {
            // Our own later reads must not see the value this write replaced, before the primary's invalidation arrives.
            if (key == null) {
                nearCache.clear();
                return f.whenComplete((r, e) -> nearCache.clear());
            }
            Bytes k = Bytes.wrap(key);
            nearCache.invalidate(k, p);
            return f.whenComplete((r, e) -> nearCache.invalidate(k, p));
        }
        return f;
    }

    int partitionCount() {
        return ctx.topology().table().partitionCount();
    }

    /**
     * The key's bytes for a lookup, or {@code null} if the key could never have been written (its type, or a type
     * inside it, is not registered, or it cannot be serialized deterministically): the Map contract has such a
     * lookup answer as for an absent key, where a write with it fails with {@link GridSerializationException}.
     */
    private byte[] lookupKeyBytes(Object key) {
        try {
            return keyBytes(key);
        } catch (GridSerializationException neverStored) {
            return null;
        }
    }

    byte[] keyBytes(Object key) {
        return checkSize(ctx.codec().serializeKey(Objects.requireNonNull(key, "key")), "key");
    }

    /**
     * Refuses a key or value larger than the grid's limit before it is sent or applied anywhere: a primary
     * that applied it could not copy it to its backups (the wire limit), and would serve a write it refused.
     */
    private byte[] checkSize(byte[] bytes, String what) {
        if (bytes != null && bytes.length > ctx.maxValueBytes()) {
            throw new IllegalArgumentException("Map '" + name + "': the " + what + " is " + bytes.length
                    + " bytes serialized, more than the limit of " + ctx.maxValueBytes()
                    + " bytes (GridBuilder.maxValueBytes, at most 64 MiB); store large objects in chunks or outside the grid");
        }
        return bytes;
    }

    @SuppressWarnings("unchecked")
    V value(byte[] bytes) {
        return bytes == null ? null : (V) ctx.codec().deserialize(bytes);
    }

    /** The value of a live local record, decoded in place. */
    @SuppressWarnings("unchecked")
    private V value(Record r) {
        return (V) ctx.codec().deserialize(r.valueArray(), r.valueOffset(), r.valueLength());
    }

    @SuppressWarnings("unchecked")
    K key(byte[] bytes) {
        return (K) ctx.codec().deserialize(bytes);
    }
}
