package dev.tessera.grid.core.loading;

import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import dev.tessera.grid.membership.MemberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's single-flight table for {@code getOrLoad}: at most one lease per key. A caller that
 * misses gets the lease and loads; callers that miss while a lease is out are parked (a future, no
 * thread) and get the holder's result: the loaded value, or the loader's failure. A lease ends when
 * its holder completes or fails it, when the holder leaves the view, or when it is older than the
 * operation timeout; a lease that ends without a result passes to exactly one parked caller, which
 * then loads in the holder's place ("retry by one"). When the key's partition moves to another
 * primary the parked callers are answered WRONG_OWNER and ask the new primary, which knows of no lease:
 * the value may then be loaded a second time.
 *
 * <p>A hit is answered at once. A hit that early refresh ({@link EarlyRefresh}) picks, or a read of an
 * expired value still within its stale-while-revalidate window, grants a refresh lease together with
 * the current value when no lease is out: exactly one caller reloads, the others keep getting the value.
 *
 * <p>Responses, all {@link Status#OK}: {@code flag} set means "you hold lease {@code version}" (with the
 * value to serve meanwhile, or {@code null}: load it now); otherwise {@code value} is the answer, unless
 * {@code error} is set: the loader threw, as described there.
 *
 * <p>State changes of one key happen inside {@link ConcurrentHashMap#compute}; futures are completed
 * after it, so a continuation never runs under the table's lock.
 */
public final class LoadLeases {
    private static final Logger log = LoggerFactory.getLogger(LoadLeases.class);

    private final TopologyState topology;
    private final LocalStorage storage;
    private final ConcurrentHashMap<LeaseKey, Lease> leases = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger parked = new AtomicInteger();
    private final LongAdder granted = new LongAdder();
    /** The last view's members; {@code null} until the first view: nobody is known to have left. */
    private volatile Set<MemberId> members;

    public LoadLeases(TopologyState topology, LocalStorage storage) {
        this.topology = topology;
        this.storage = storage;
    }

    /** Runs a {@code LOAD_OR_LEASE} or {@code LOAD_FAILED} at this member, the key's primary. */
    public CompletableFuture<OpResponse> execute(ClientOp op, MapContainer map, long tableVersion) {
        return switch (op.code()) {
            case LOAD_OR_LEASE -> leaseOrWait(op, map, tableVersion);
            case LOAD_FAILED -> {
                failed(map.name(), op);
                yield CompletableFuture.completedFuture(new OpResponse(Status.OK, false, null, 0, tableVersion, null));
            }
            default -> throw new IllegalArgumentException(op.code() + " is not a lease operation");
        };
    }

    /**
     * The live version a {@code LOAD_COMPLETE} may overwrite: the one its lease was granted at (0: the
     * key was absent or expired). A lease this primary does not know (it timed out, or was granted by a
     * previous primary) gives 0: the value is then stored only if the key is still absent.
     */
    public long baseVersion(String map, ClientOp op) {
        Lease lease = leases.get(new LeaseKey(map, op.partition(), Bytes.wrap(op.key())));
        return lease != null && lease.id == op.expectedVersion() ? lease.baseVersion : 0;
    }

    /** After a {@code LOAD_COMPLETE} was applied: ends its lease and hands {@code value} to the parked callers. */
    public void loaded(String map, ClientOp op, byte[] value) {
        List<Waiter> waiters = end(new LeaseKey(map, op.partition(), Bytes.wrap(op.key())), op.expectedVersion());
        OpResponse answer = new OpResponse(Status.OK, false, value, 0, topology.table().version(), null);
        waiters.forEach(w -> w.future.complete(answer));
    }

    private void failed(String map, ClientOp op) {
        String why = op.value() == null ? "unknown failure" : new String(op.value(), StandardCharsets.UTF_8);
        List<Waiter> waiters = end(new LeaseKey(map, op.partition(), Bytes.wrap(op.key())), op.expectedVersion());
        OpResponse answer = new OpResponse(Status.OK, false, null, 0, topology.table().version(), why);
        waiters.forEach(w -> w.future.complete(answer));
    }

    /** Removes lease {@code id} of {@code key}; its parked callers, or none if that lease is not out. */
    private List<Waiter> end(LeaseKey key, long id) {
        List<Waiter> out = new ArrayList<>();
        leases.computeIfPresent(key, (k, lease) -> {
            if (lease.id != id) {
                return lease;
            }
            out.addAll(lease.waiters);
            parked.addAndGet(-lease.waiters.size());
            return null;
        });
        return out;
    }

    private CompletableFuture<OpResponse> leaseOrWait(ClientOp op, MapContainer map, long tableVersion) {
        long now = storage.time().wallMillis();
        LeaseKey key = new LeaseKey(map.name(), op.partition(), Bytes.wrap(op.key()));
        double beta = Double.longBitsToDouble(op.expectedVersion());
        double u = 1 - ThreadLocalRandom.current().nextDouble(); // (0, 1]
        Record seen = map.peek(op.partition()).getLive(key.key);
        if (seen != null && !map.isExpired(seen, now) && !EarlyRefresh.due(seen, now, beta, u)) {
            seen.touch(now); // the plain hit, without taking the key's lock in the table
            return CompletableFuture.completedFuture(value(seen, tableVersion));
        }
        Object[] answer = new Object[1]; // an OpResponse, or the parked caller's future
        // Under the table's read lock, like a write: a table that moves the key away is applied either
        // before (we answer WRONG_OWNER) or after this lease is in place (onTable then ends it).
        long stamp = topology.readLock();
        try {
            PartitionTable t = topology.table();
            if (!topology.self().equals(t.primary(op.partition()))) {
                return CompletableFuture.completedFuture(OpResponse.status(Status.WRONG_OWNER, t.version()));
            }
            leases.compute(key, (k, lease) -> decide(k, lease, op, map, now, beta, u, tableVersion, answer));
        } finally {
            topology.unlockRead(stamp);
        }
        if (answer[0] instanceof OpResponse r) {
            return CompletableFuture.completedFuture(r);
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<OpResponse> f = (CompletableFuture<OpResponse>) answer[0];
        return f;
    }

    /** The key's lease after a LOAD_OR_LEASE; its answer in {@code answer}. Runs inside the table's compute for the key. */
    private Lease decide(LeaseKey k, Lease lease, ClientOp op, MapContainer map, long now, double beta, double u,
                         long tableVersion, Object[] answer) {
        Record r = map.peek(op.partition()).getLive(k.key);
        if (r != null && !map.isExpired(r, now)) {
            r.touch(now);
            if (lease == null && EarlyRefresh.due(r, now, beta, u)) {
                return grant(op, r.version(), now, r.value(), tableVersion, answer);
            }
            answer[0] = value(r, tableVersion);
            return lease;
        }
        if (r != null && now < r.staleUntil()) {
            if (lease == null) {
                return grant(op, 0, now, r.value(), tableVersion, answer);
            }
            answer[0] = value(r, tableVersion);
            return lease;
        }
        if (lease == null) {
            return grant(op, 0, now, null, tableVersion, answer);
        }
        CompletableFuture<OpResponse> f = new CompletableFuture<>();
        lease.waiters.add(new Waiter(op, f));
        parked.incrementAndGet();
        answer[0] = f;
        return lease;
    }

    /** A new lease to {@code op}'s caller; its grant (with {@code serve}, the value to serve meanwhile) in {@code answer}. */
    private Lease grant(ClientOp op, long baseVersion, long now, byte[] serve, long tableVersion, Object[] answer) {
        Lease lease = new Lease(ids.incrementAndGet(), originOf(op), now, baseVersion);
        granted.increment();
        answer[0] = new OpResponse(Status.OK, true, serve, lease.id, tableVersion, null);
        return lease;
    }

    /**
     * Ends leases older than {@code maxLeaseMillis} (passing each to one parked caller), and answers
     * RETRY to parked callers whose deadline passed (their invoker then reports the timeout).
     */
    public void sweep(long maxLeaseMillis) {
        if (leases.isEmpty()) {
            return;
        }
        long now = storage.time().wallMillis();
        List<Runnable> after = new ArrayList<>();
        for (LeaseKey key : leases.keySet()) {
            leases.computeIfPresent(key, (k, lease) -> {
                lease.waiters.removeIf(w -> {
                    if (w.op.deadlineMillis() >= now) {
                        return false;
                    }
                    parked.decrementAndGet();
                    after.add(() -> w.future.complete(status(Status.RETRY)));
                    return true;
                });
                if (now - lease.grantedAt < maxLeaseMillis) {
                    return lease;
                }
                log.info("Load lease {} of a key of map '{}' held by {} ran out after {} ms; {} caller(s) waiting",
                        lease.id, k.map, lease.holder, now - lease.grantedAt, lease.waiters.size());
                return handOver(k, lease, now, after);
            });
        }
        after.forEach(Runnable::run);
    }

    /** A new view: leases of members that left pass to a parked caller; parked callers that left are dropped. */
    public void onMembers(Collection<MemberId> view) {
        Set<MemberId> current = Set.copyOf(view);
        members = current;
        long now = storage.time().wallMillis();
        List<Runnable> after = new ArrayList<>();
        for (LeaseKey key : leases.keySet()) {
            leases.computeIfPresent(key, (k, lease) -> {
                lease.waiters.removeIf(w -> {
                    if (current.contains(originOf(w.op))) {
                        return false;
                    }
                    parked.decrementAndGet();
                    after.add(() -> w.future.complete(status(Status.RETRY)));
                    return true;
                });
                if (current.contains(lease.holder)) {
                    return lease;
                }
                log.info("Load lease {} of a key of map '{}': holder {} left; {} caller(s) waiting", lease.id, k.map,
                        lease.holder, lease.waiters.size());
                return handOver(k, lease, now, after);
            });
        }
        after.forEach(Runnable::run);
    }

    /** A new table: keys whose partition this member no longer leads lose their leases; their callers ask the new primary. */
    public void onTable(PartitionTable previous, PartitionTable next) {
        if (leases.isEmpty()) {
            return;
        }
        MemberId self = topology.self();
        List<Waiter> moved = new ArrayList<>();
        for (LeaseKey key : leases.keySet()) {
            if (self.equals(next.primary(key.partition))) {
                continue;
            }
            leases.computeIfPresent(key, (k, lease) -> {
                moved.addAll(lease.waiters);
                parked.addAndGet(-lease.waiters.size());
                return null;
            });
        }
        OpResponse wrongOwner = OpResponse.status(Status.WRONG_OWNER, next.version());
        moved.forEach(w -> w.future.complete(wrongOwner));
    }

    /** This member stops: every lease ends and every parked caller is answered RETRY (one on this member then reports the stop). */
    public void close() {
        List<Waiter> dropped = new ArrayList<>();
        for (LeaseKey key : leases.keySet()) {
            leases.computeIfPresent(key, (k, lease) -> {
                dropped.addAll(lease.waiters);
                parked.addAndGet(-lease.waiters.size());
                return null;
            });
        }
        dropped.forEach(w -> w.future.complete(status(Status.RETRY)));
    }

    /**
     * The lease that follows {@code ended}, which ended without a result: if the value arrived meanwhile
     * (a put), every parked caller gets it and no lease follows; otherwise the first parked caller still
     * waiting and still a member is granted a new lease and the others wait on that one.
     */
    private Lease handOver(LeaseKey key, Lease ended, long now, List<Runnable> after) {
        MapContainer map = storage.get(key.map);
        Record r = map == null ? null : map.peek(key.partition).getLive(key.key);
        long tableVersion = topology.table().version();
        if (r != null && !map.isExpired(r, now)) {
            OpResponse answer = value(r, tableVersion);
            ended.waiters.forEach(w -> after.add(() -> w.future.complete(answer)));
            parked.addAndGet(-ended.waiters.size());
            return null;
        }
        Set<MemberId> view = members;
        Waiter next;
        while ((next = ended.waiters.poll()) != null) {
            parked.decrementAndGet();
            Waiter w = next;
            if (w.op.deadlineMillis() >= now && (view == null || view.contains(originOf(w.op)))) {
                Lease lease = new Lease(ids.incrementAndGet(), originOf(w.op), now, 0);
                lease.waiters.addAll(ended.waiters);
                granted.increment();
                OpResponse grant = new OpResponse(Status.OK, true, null, lease.id, tableVersion, null);
                after.add(() -> w.future.complete(grant));
                return lease;
            }
            after.add(() -> w.future.complete(status(Status.RETRY)));
        }
        return null;
    }

    /** Callers currently parked, waiting for a lease holder's result (tests, diagnostics). */
    public int parkedCount() {
        return parked.get();
    }

    /** Leases granted by this member since it started (tests, diagnostics). */
    public long leasesGranted() {
        return granted.sum();
    }

    /** Leases currently out (tests, diagnostics). */
    public int leaseCount() {
        return leases.size();
    }

    private MemberId originOf(ClientOp op) {
        return op.origin() != null ? op.origin() : topology.self();
    }

    private OpResponse status(Status s) {
        return OpResponse.status(s, topology.table().version());
    }

    private static OpResponse value(Record r, long tableVersion) {
        return new OpResponse(Status.OK, false, r.value(), 0, tableVersion, null, r.expiresAt());
    }

    private record LeaseKey(String map, int partition, Bytes key) {}

    private record Waiter(ClientOp op, CompletableFuture<OpResponse> future) {}

    /** One outstanding load; {@link #waiters} is only touched inside the table's compute for its key. */
    private static final class Lease {
        final long id;
        final MemberId holder;
        final long grantedAt;
        final long baseVersion;
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

        Lease(long id, MemberId holder, long grantedAt, long baseVersion) {
            this.id = id;
            this.holder = holder;
            this.grantedAt = grantedAt;
            this.baseVersion = baseVersion;
        }
    }
}
