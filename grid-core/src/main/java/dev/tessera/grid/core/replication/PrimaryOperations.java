package dev.tessera.grid.core.replication;

import dev.tessera.grid.GridLimitException;
import dev.tessera.grid.MergePolicy;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.serialization.KryoCodec;
import dev.tessera.grid.core.cluster.QuorumTracker;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.loading.LoadLeases;
import dev.tessera.grid.core.partition.KeyPartitioner;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.time.HybridClock;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.store.UncommittedWrites;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ReplicationMessages.ForwardedReply;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import dev.tessera.grid.core.wire.ReplicationMessages.Replicate;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicateResponse;
import dev.tessera.grid.core.wire.MalformedMessageException;
import dev.tessera.grid.core.wire.OpCode;
import dev.tessera.grid.core.wire.PackedEntries;
import dev.tessera.grid.core.wire.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;
import dev.tessera.grid.membership.MemberId;

/**
 * Executes single-key operations on this member as the partition's primary: checks ownership at the
 * current table, applies the operation atomically to the key, and acknowledges once the synchronous
 * replicas applied the copy. Never blocks: the returned future completes when the replicas answer.
 *
 * <p>An operation from another member whose caller has given up ({@link ClientOp#deadlineMillis()}
 * passed, with {@link #CLOCK_SKEW_MILLIS} of slack) is not executed: the transport may deliver a
 * request long after it was sent (it retransmits what a network split dropped once the split heals),
 * and the caller may meanwhile have retried it elsewhere or reported it refused. For the same reason an
 * operation routed with a table older than the last one in which its origin dropped out of our table
 * ({@link TopologyState#departedAt}) is REJECTED: it was sent across a split before the split was seen
 * and is delivered only after the heal, possibly within its deadline but after its caller retried it
 * on its own side (where it was acknowledged, and then overwritten by later writes).
 *
 * <p>A {@link SplitBrainMode#CONSISTENT} write refused before it is applied is a clean refusal. One
 * refused after it was applied here (this side lost its majority while the write was being copied),
 * like one whose copy a replica rejected because this member's table is stale, is answered with the
 * {@link OpResponse#mayHaveBeenApplied() applied} marker: its outcome is unknown, not "refused".
 */
public final class PrimaryOperations {
    /** Entries per replication message when a whole partition is cleared. */
    private static final int CLEAR_BATCH = 1000;
    /** Clock skew tolerated between members when checking an operation's deadline. */
    static final long CLOCK_SKEW_MILLIS = 1_000;

    private final TopologyState topology;
    private final LocalStorage storage;
    private final Replicator replicator;
    private final HybridClock clock;
    private final QuorumTracker quorum;
    private final KeyInvalidator invalidations;
    private final MergeDecider merges;
    private final ChangeObservers observers = new ChangeObservers();
    private final KeyPartitioner partitioner;
    private volatile ObjIntConsumer<MapContainer> afterWrite = (map, p) -> { };
    private volatile StoreHook storeHook = StoreHook.NONE;
    private final LoadLeases loads;
    private final KeyProcessing processing;

    /**
     * @param invalidations told of each key changed in a near-cached map
     * @param loads         the getOrLoad leases this member grants as primary
     */
    public PrimaryOperations(TopologyState topology, LocalStorage storage, Replicator replicator, HybridClock clock,
                             QuorumTracker quorum, KeyInvalidator invalidations, LoadLeases loads, KryoCodec codec,
                             Map<String, MergePolicy> mergePolicies) {
        this.merges = new MergeDecider(codec, mergePolicies);
        this.processing = new KeyProcessing(codec);
        this.partitioner = new KeyPartitioner(storage.partitionCount());
        this.topology = topology;
        this.storage = storage;
        this.replicator = replicator;
        this.clock = clock;
        this.quorum = quorum;
        this.invalidations = invalidations;
        this.loads = loads;
    }

    /**
     * Runs {@code hook} after each changing write, outside the key's update and before replication, on the
     * writing thread (eviction: the writer pays for the room it takes, so writes cannot outrun the bound).
     */
    public void afterWrite(ObjIntConsumer<MapContainer> hook) {
        this.afterWrite = hook;
    }

    /** The observers told of every change this member applies as primary. */
    public ChangeObservers observers() {
        return observers;
    }

    /** Installs the hook that runs operations on maps with a MapStore. */
    public void storeHook(StoreHook hook) {
        this.storeHook = hook;
    }

    /**
     * @param remote whether the operation came from another member, whose table version must then
     *               not be newer than ours (if it is, ours is stale and the caller retries), and whose
     *               deadline must not have passed (if it has, the caller gave up: answered RETRY, not run),
     *               and whose table must not predate its origin's last departure (answered REJECTED, not run)
     */
    public CompletableFuture<OpResponse> execute(ClientOp op, boolean remote) {
        return execute(op, remote, true, null, 0);
    }

    /**
     * {@link #execute(ClientOp, boolean) execute(op, true)} for request {@code requestId} of {@code caller}. A
     * single write to a map with one synchronous backup and {@link SplitBrainMode#AVAILABLE} is answered by that
     * backup once it applied the copy ({@link Replicator#replicateAndForward}); the future then completes with
     * {@link #ANSWERED_BY_REPLICA} and this member must not answer. Otherwise it completes with the answer.
     */
    public CompletableFuture<OpResponse> execute(ClientOp op, MemberId caller, long requestId) {
        return execute(op, true, true, caller, requestId);
    }

    /** What {@link #execute(ClientOp, MemberId, long)} completes with when the backup answered the caller. */
    public static final OpResponse ANSWERED_BY_REPLICA = OpResponse.status(Status.OK, -1);

    /**
     * @param viaStore whether a map with a MapStore hands the operation to the {@link StoreHook}
     * @param caller   where the backup may send the answer to a write, or {@code null}: this member answers
     */
    private CompletableFuture<OpResponse> execute(ClientOp op, boolean remote, boolean viaStore, MemberId caller, long requestId) {
        long readStamp = topology.optimisticRead();
        PartitionTable t = topology.table();
        if (remote && storage.time().wallMillis() - CLOCK_SKEW_MILLIS > op.deadlineMillis()) { // no overflow at MAX_VALUE
            return done(OpResponse.status(Status.RETRY, t.version()));
        }
        if (remote && op.origin() != null && op.tableVersion() < topology.departedAt(op.origin())) {
            return done(OpResponse.status(Status.REJECTED, t.version()));
        }
        if ((remote && op.tableVersion() > t.version()) || topology.isFrozen()) {
            return done(OpResponse.status(Status.RETRY, t.version()));
        }
        MemberId self = topology.self();
        if (!topology.servesAsPrimary(t, op.partition())) {
            return done(OpResponse.status(self.equals(t.primary(op.partition())) ? Status.RETRY : Status.WRONG_OWNER, t.version()));
        }
        if (op.config().splitBrainMode() == SplitBrainMode.CONSISTENT && !topology.holdsReadLease()) {
            // ADR 0013: another member may serve this partition by now; nothing read or applied
            return done(quorum.hasQuorum() ? OpResponse.status(Status.NO_LEASE, t.version())
                    : new OpResponse(Status.UNAVAILABLE, false, null, 0, t.version(), "Map '" + op.map()
                            + "' is CONSISTENT and this side of the cluster sees only " + quorum.describe()
                            + ": reads and writes are refused until the partition heals"));
        }
        if (isPlainRead(op) && storage.get(op.map()) == null) {
            // a read of a map never written here creates nothing: naming maps must not cost memory
            return done(read(null, op, null, t.version()));
        }
        MapContainer map;
        try {
            map = storage.getOrCreate(op.map(), op.config());
        } catch (IllegalArgumentException | GridLimitException e) {
            return done(new OpResponse(Status.ofFailure(e), false, null, 0, t.version(), e.getMessage()));
        }
        if (op.code() == OpCode.LOAD_OR_LEASE || op.code() == OpCode.LOAD_FAILED) {
            return loads.execute(op, map, t.version());
        }
        boolean viaHook = viaStore && map.config().mapStore() != null;
        if (!op.code().mutating) {
            if (viaHook) {
                return storeHook.execute(op, map, next -> execute(next, false, false, null, 0));
            }
            Bytes key = Bytes.wrap(op.key());
            OpResponse read = read(map, op, key, t.version());
            // a table change or a successor's fence since the ownership check: the read may be stale
            if (!topology.validate(readStamp)) {
                return done(OpResponse.status(Status.RETRY, t.version()));
            }
            return afterCommitOf(map.peek(op.partition()), key, read, t.version());
        }
        PartitionStore store = map.partition(op.partition());
        boolean consistent = map.config().splitBrainMode() == SplitBrainMode.CONSISTENT;
        if (consistent && !quorum.hasQuorum()) {
            return done(unavailable(map, t.version(), false));
        }
        if (viaHook) {
            return storeHook.execute(op, map, next -> execute(next, false, false, null, 0));
        }
        if (op.code() == OpCode.CLEAR_PARTITION) {
            return clear(map, op.partition());
        }
        if (op.code() == OpCode.PUT_ALL) {
            return putAll(map, op, consistent);
        }
        KeyMutation m = new KeyMutation(op, map, topology, clock, observers);
        if (op.code() == OpCode.LOAD_COMPLETE) {
            m.loadBase = loads.baseVersion(map.name(), op);
        }
        m.processing = processing;
        Bytes key = Bytes.wrap(op.key());
        PartitionTable applied;
        long stamp = topology.readLock();
        try {
            applied = topology.table();
            if (!topology.servesAsPrimary(applied, op.partition())) {
                return done(OpResponse.status(Status.WRONG_OWNER, applied.version()));
            }
            store.compute(key, m);
        } finally {
            topology.unlockRead(stamp);
        }
        if (m.error != null) { // EXECUTE_ON_KEY whose processor failed: nothing changed
            return done(new OpResponse(Status.ERROR, false, null, 0, applied.version(), m.error));
        }
        if (op.code() == OpCode.LOAD_COMPLETE) { // the waiters get what the key now holds (a racing write wins)
            loads.loaded(map.name(), op, m.changed ? m.newValue : m.previous != null ? m.previous : op.value());
        }
        OpResponse response = new OpResponse(Status.OK, m.flag,
                KeyMutation.returnsPrevious(op.code()) ? m.previous : null, m.previousVersion, applied.version(), null);
        if (!m.changed) { // decided from the current value: answered once that value is committed
            return afterCommitOf(store, key, response, applied.version());
        }
        // a CONSISTENT write's answer depends on the quorum after the copy: only this member can give it
        boolean forwarding = caller != null && !consistent;
        CompletableFuture<?> copied; // copyAndSettle spelled out: no Supplier and BiFunction per write on the hottest path
        try {
            if (map.config().nearCache() != null) {
                invalidations.changed(map.name(), op.partition(), op.key());
            }
            afterWrite.accept(map, op.partition());
            List<ReplicaEntry> copy = List.of(new ReplicaEntry(op.key(), m.newValue, m.newVersion, m.newHlc, m.newExpiresAt,
                    m.newStaleUntil, m.newLoadMillis));
            copied = forwarding
                    ? replicator.replicateAndForward(applied, map.name(), map.config(), op.partition(), copy,
                            new ForwardedReply(caller, requestId, response.encode()))
                    : replicator.replicate(applied, map.name(), map.config(), op.partition(), copy);
        } catch (RuntimeException e) {
            settle(store, List.of(key), m.commit, e, op.partition());
            throw e;
        }
        return copied.handle((acked, error) -> {
            settle(store, List.of(key), m.commit, error, op.partition());
            if (error != null) {
                return failure(error, applied.version()); // if the backup did answer, the caller took that answer
            }
            if (forwarding && Boolean.TRUE.equals(acked)) { // false: the backup left unanswered, we answer
                return ANSWERED_BY_REPLICA;
            }
            // A backup that vanished counts as done; on a minority side that must not acknowledge. The write
            // is in our store already (and may be on backups): refused, but possibly applied.
            return consistent && !quorum.hasQuorum() ? unavailable(map, applied.version(), true) : response;
        });
    }

    /**
     * Merges entries pushed by a member of a side that lost a split-brain merge: for AVAILABLE maps,
     * per key the write with the later hybrid-logical-clock time wins (a tombstone included); for
     * CONSISTENT maps a pushed entry is taken only if this primary has no record of the key at all.
     * Winners are written with new versions of this lineage and replicated like any write.
     */
    public CompletableFuture<ReplicateResponse> mergeIn(Replicate m) {
        PartitionTable t = topology.table();
        if (m.tableVersion() > t.version()) {
            return CompletableFuture.completedFuture(new ReplicateResponse(Status.RETRY, t.version()));
        }
        int p = m.partition();
        if (p < 0 || p >= t.partitionCount() || !topology.self().equals(t.primary(p))) {
            return CompletableFuture.completedFuture(new ReplicateResponse(Status.REJECTED, t.version()));
        }
        MapContainer map;
        try {
            map = storage.getOrCreate(m.map(), m.config());
        } catch (IllegalArgumentException | GridLimitException e) {
            return CompletableFuture.completedFuture(new ReplicateResponse(Status.ERROR, t.version()));
        }
        PartitionStore store = map.partition(p);
        List<ReplicaEntry> winners = new ArrayList<>();
        PartitionTable applied;
        long stamp = topology.readLock();
        try {
            applied = topology.table();
            if (!topology.self().equals(applied.primary(p))) {
                return CompletableFuture.completedFuture(new ReplicateResponse(Status.REJECTED, applied.version()));
            }
            for (ReplicaEntry e : m.entries()) {
                store.compute(Bytes.wrap(e.key()), (k, cur) -> {
                    if (!merges.takesMerging(map.config(), cur, e)) {
                        return cur;
                    }
                    long v = topology.nextVersion(p);
                    clock.after(e.hlc()); // later local writes must order after the merged one
                    winners.add(new ReplicaEntry(e.key(), e.value(), v, e.hlc(), e.expiresAt(), e.staleUntil(), e.loadMillis()));
                    Record next = Record.of(k, e.value(), v, e.hlc(), e.expiresAt(), e.staleUntil(), e.loadMillis(), map.tracked());
                    observers.onChange(map, p, k, cur == null || cur.isTombstone() ? null : cur, next, ChangeCause.MERGED);
                    return next;
                });
            }
        } finally {
            topology.unlockRead(stamp);
        }
        if (winners.isEmpty()) {
            return CompletableFuture.completedFuture(new ReplicateResponse(Status.OK, applied.version()));
        }
        if (map.config().nearCache() != null) {
            winners.forEach(e -> invalidations.changed(map.name(), p, e.key()));
        }
        return replicator.replicate(applied, map.name(), map.config(), p, winners).handle((ok, error) -> error == null
                ? new ReplicateResponse(Status.OK, applied.version())
                : new ReplicateResponse(unwrap(error) instanceof StaleOwnerException
                        ? Status.RETRY : Status.ERROR, applied.version()));
    }

    /**
     * Removes {@code key} on this member's initiative, as its primary (expiry, eviction): writes a
     * tombstone if the entry is still live at {@code expectedVersion} and {@code stillApplies} to it,
     * tells the observers with {@code cause}, invalidates near caches and replicates the removal.
     * Completes with whether the entry was removed; a removal whose replication failed is completed
     * {@code true} all the same (the backups' copies then go when the next primary expires or evicts them).
     */
    public CompletableFuture<Boolean> removeAsPrimary(MapContainer map, int p, Bytes key, long expectedVersion,
                                                      java.util.function.Predicate<Record> stillApplies, ChangeCause cause) {
        PartitionStore store = map.partition(p);
        ReplicaEntry[] removed = new ReplicaEntry[1];
        PartitionTable applied;
        long stamp = topology.readLock();
        try {
            applied = topology.table();
            if (!topology.self().equals(applied.primary(p)) || topology.isFrozen()) {
                return CompletableFuture.completedFuture(false);
            }
            store.compute(key, (k, cur) -> {
                if (cur == null || cur.isTombstone() || cur.version() != expectedVersion || !stillApplies.test(cur)) {
                    return cur;
                }
                long v = topology.nextVersion(p);
                long hlc = clock.after(cur.hlc());
                removed[0] = new ReplicaEntry(k.array(), null, v, hlc);
                Record tombstone = new Record(k, null, v, hlc);
                observers.onChange(map, p, k, cur, tombstone, cause);
                return tombstone;
            });
        } finally {
            topology.unlockRead(stamp);
        }
        if (removed[0] == null) {
            return CompletableFuture.completedFuture(false);
        }
        if (cause == ChangeCause.EXPIRED) {
            map.countExpiration();
        } else if (cause == ChangeCause.EVICTED) {
            map.countEviction();
        }
        if (map.config().nearCache() != null) {
            invalidations.changed(map.name(), p, removed[0].key());
        }
        return replicator.replicate(applied, map.name(), map.config(), p, List.of(removed[0])).handle((ok, e) -> true);
    }

    /** @param applied whether the write is already in this member's store */
    private OpResponse unavailable(MapContainer map, long tableVersion, boolean applied) {
        String message = "Map '" + map.name() + "' is CONSISTENT and this side of the cluster sees only " + quorum.describe()
                + ": writes are refused until the partition heals";
        return applied
                ? OpResponse.appliedThenRefused(Status.UNAVAILABLE, tableVersion, message
                        + " (this write was refused after it had been applied on this side: it may survive)")
                : new OpResponse(Status.UNAVAILABLE, false, null, 0, tableVersion, message);
    }

    /** A read that needs no state of the map: no store to read through, no load lease. */
    private static boolean isPlainRead(ClientOp op) {
        return (op.code() == OpCode.GET || op.code() == OpCode.CONTAINS || op.code() == OpCode.GET_VERSIONED)
                && op.config().mapStore() == null;
    }

    /** @param map {@code null} for a map this member holds nothing of */
    private static OpResponse read(MapContainer map, ClientOp op, Bytes key, long tableVersion) {
        long now = map == null ? 0 : map.nowMillis(); // nothing to expire in a map this member does not hold
        Record r = map == null ? null : map.readLive(op.partition(), key, now, true);
        long expiresAt = r == null ? 0 : map.expiresAtIfIdle(r, now); // a near cache must not outlive the entry
        return switch (op.code()) {
            case GET -> new OpResponse(Status.OK, r != null, r == null ? null : r.value(), 0, tableVersion, null, expiresAt);
            case CONTAINS -> new OpResponse(Status.OK, r != null, null, 0, tableVersion, null);
            case GET_VERSIONED -> new OpResponse(Status.OK, r != null, r == null ? null : r.value(),
                    r == null ? 0 : r.version(), tableVersion, null, expiresAt);
            default -> throw new IllegalArgumentException(op.code() + " is not a read");
        };
    }

    /**
     * Sets every pair of a grouped putAll, each key atomically as a SET would, and copies them to the
     * backups in one message. Keys outside the partition are refused (nothing is applied).
     */
    private CompletableFuture<OpResponse> putAll(MapContainer map, ClientOp op, boolean consistent) {
        int p = op.partition();
        List<byte[]> pairs;
        try {
            pairs = PackedEntries.decode(op.value());
        } catch (MalformedMessageException e) {
            return done(new OpResponse(Status.ERROR, false, null, 0, topology.table().version(), e.getMessage()));
        }
        for (int i = 0; i < pairs.size(); i += 2) {
            if (partitioner.partitionOf(pairs.get(i)) != p) {
                return done(new OpResponse(Status.ERROR, false, null, 0, topology.table().version(),
                        "PUT_ALL for partition " + p + " carries a key of partition " + partitioner.partitionOf(pairs.get(i))));
            }
        }
        PartitionStore store = map.partition(p);
        List<ReplicaEntry> copies = new ArrayList<>(pairs.size() / 2);
        List<Bytes> changed = new ArrayList<>(pairs.size() / 2);
        CompletableFuture<Boolean> commit = new CompletableFuture<>();
        PartitionTable applied;
        long stamp = topology.readLock();
        try {
            applied = topology.table();
            if (!topology.servesAsPrimary(applied, p)) {
                return done(OpResponse.status(Status.WRONG_OWNER, applied.version()));
            }
            for (int i = 0; i < pairs.size(); i += 2) {
                ClientOp one = new ClientOp(op.tableVersion(), op.map(), op.config(), p, OpCode.SET, pairs.get(i), pairs.get(i + 1),
                        null, 0, op.deadlineMillis(), op.origin(), op.ttlMillis());
                KeyMutation m = new KeyMutation(one, map, topology, clock, observers, commit);
                Bytes key = Bytes.wrap(one.key());
                store.compute(key, m);
                changed.add(key);
                copies.add(new ReplicaEntry(one.key(), m.newValue, m.newVersion, m.newHlc, m.newExpiresAt, m.newStaleUntil,
                        m.newLoadMillis));
            }
        } finally {
            topology.unlockRead(stamp);
        }
        OpResponse ok = new OpResponse(Status.OK, true, null, 0, applied.version(), null);
        return copyAndSettle(store, changed, commit, p, () -> {
            if (map.config().nearCache() != null) {
                copies.forEach(e -> invalidations.changed(map.name(), p, e.key()));
            }
            afterWrite.accept(map, p);
            return replicator.replicate(applied, map.name(), map.config(), p, copies);
        }, (x, error) -> {
            if (error != null) {
                return failure(error, applied.version());
            }
            return consistent && !quorum.hasQuorum() ? unavailable(map, applied.version(), true) : ok;
        });
    }

    /** Removes every live entry of the partition, leaving versioned tombstones, and replicates in batches. */
    private CompletableFuture<OpResponse> clear(MapContainer map, int p) {
        PartitionStore store = map.peek(p);
        List<ReplicaEntry> removed = new ArrayList<>();
        List<Bytes> keys = new ArrayList<>();
        CompletableFuture<Boolean> commit = new CompletableFuture<>();
        PartitionTable applied;
        long stamp = topology.readLock();
        try {
            applied = topology.table();
            if (!topology.servesAsPrimary(applied, p)) {
                return done(OpResponse.status(Status.WRONG_OWNER, applied.version()));
            }
            for (Map.Entry<Bytes, Record> e : store.entries()) {
                store.compute(e.getKey(), (k, cur) -> {
                    if (cur == null || cur.isTombstone()) {
                        return cur;
                    }
                    long v = topology.nextVersion(p);
                    long hlc = clock.after(cur.hlc());
                    removed.add(new ReplicaEntry(k.array(), null, v, hlc));
                    Record tombstone = new Record(k, null, v, hlc);
                    if (!map.isExpired(cur, map.nowMillis())) {
                        observers.onChange(map, p, k, cur, tombstone, ChangeCause.WRITE);
                    }
                    store.uncommitted().add(k, commit);
                    keys.add(k);
                    return tombstone;
                });
            }
        } finally {
            topology.unlockRead(stamp);
        }
        OpResponse ok = new OpResponse(Status.OK, !removed.isEmpty(), null, 0, applied.version(), null);
        return copyAndSettle(store, keys, commit, p, () -> {
            if (map.config().nearCache() != null) {
                removed.forEach(e -> invalidations.changed(map.name(), p, e.key()));
            }
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (int from = 0; from < removed.size(); from += CLEAR_BATCH) {
                List<ReplicaEntry> batch = removed.subList(from, Math.min(removed.size(), from + CLEAR_BATCH));
                acks.add(replicator.replicate(applied, map.name(), map.config(), p, batch));
            }
            return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
        }, (x, error) -> error == null ? ok : failure(error, applied.version()));
    }

    /**
     * {@code response}, once the latest write of {@code key} is committed; RETRY if a replica rejected that
     * write (see {@link UncommittedWrites}). The response was decided before: the read is linearized at the
     * moment it saw the record, which is after that write was applied.
     */
    private static CompletableFuture<OpResponse> afterCommitOf(PartitionStore store, Bytes key, OpResponse response,
                                                               long tableVersion) {
        CompletableFuture<Boolean> commit = store.uncommitted().of(key);
        if (commit == null) {
            return done(response);
        }
        return commit.thenApply(committed -> committed ? response : OpResponse.status(Status.RETRY, tableVersion));
    }

    /**
     * Runs {@code copy}, which sends the copies of writes to {@code keys} registered with {@code commit}; when the
     * copies are acknowledged or fail (or {@code copy} throws), settles the commit, then answers with {@code answer}.
     */
    private CompletableFuture<OpResponse> copyAndSettle(PartitionStore store, List<Bytes> keys, CompletableFuture<Boolean> commit,
                                                        int p, Supplier<? extends CompletableFuture<?>> copy,
                                                        BiFunction<Object, Throwable, OpResponse> answer) {
        CompletableFuture<?> copied;
        try {
            copied = copy.get();
        } catch (RuntimeException e) {
            settle(store, keys, commit, e, p);
            throw e;
        }
        return copied.handle((ok, error) -> {
            settle(store, keys, commit, error, p);
            return answer.apply(ok, error);
        });
    }

    /**
     * Ends the uncommitted window of a write to {@code keys}: readers waiting for it are answered. A write whose
     * copy a replica rejected as stale first fences this member off the partition up to the replica's table, so
     * that neither they, retrying, nor anyone else is served the rejected value here; any other failure leaves
     * the write's outcome unknown, and its value is what this member holds.
     */
    private void settle(PartitionStore store, List<Bytes> keys, CompletableFuture<Boolean> commit, Throwable error, int p) {
        boolean rejected = fenceIfRejected(error, p);
        for (Bytes key : keys) {
            store.uncommitted().settle(key, commit);
        }
        commit.complete(!rejected);
    }

    /** Whether {@code error} is a replica's rejection of a stale primary's copy; if so, fences this member off {@code p}. */
    private boolean fenceIfRejected(Throwable error, int p) {
        if (unwrap(error) instanceof StaleOwnerException stale) {
            topology.fence(new int[] {p}, stale.tableVersion());
            return true;
        }
        return false;
    }

    /** The answer to a write applied here whose replication failed. */
    private static OpResponse failure(Throwable error, long tableVersion) {
        Throwable cause = unwrap(error);
        if (cause instanceof StaleOwnerException) {
            // the caller retries with a newer table; our copy of the write stays in our store
            return OpResponse.appliedThenRefused(Status.WRONG_OWNER, tableVersion, cause.getMessage());
        }
        return new OpResponse(Status.ofFailure(cause), false, null, 0, tableVersion, cause.getMessage());
    }

    /** The failure inside a {@link CompletionException}, which dependent stages wrap around it. */
    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static CompletableFuture<OpResponse> done(OpResponse r) {
        return CompletableFuture.completedFuture(r);
    }
}
