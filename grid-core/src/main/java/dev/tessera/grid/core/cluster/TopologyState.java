package dev.tessera.grid.core.cluster;

import dev.tessera.grid.core.partition.PartitionTable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.StampedLock;
import java.util.function.BiConsumer;
import java.util.function.Function;
import dev.tessera.grid.membership.MemberId;

/**
 * The partition table this member has applied, and the per-partition write versions of the
 * partitions it is primary of.
 *
 * <p>Tables are applied in version order; an older or equal version is ignored, and since a table is
 * the whole state, a member may skip versions. Applying a table takes the write side of a lock whose
 * read side wraps every store mutation ({@link #readLock()}): a mutation therefore sees one table
 * from its ownership check to the choice of replicas it copies to, and a migration that starts
 * after a table is applied sees every write that chose its replicas from the previous table.
 *
 * <p>Versions: when this member becomes primary of a partition at table version {@code t}, its
 * writes to that partition get versions {@code t << 32 | seq}. Table versions only grow, so every
 * write of a new primary is newer than any write of any earlier primary, including unacknowledged
 * ones still sitting on some backup; replicas keep the newest version per key.
 *
 * <p>Terms: for every partition this member also remembers {@link #primarySince(int)}, the version of
 * the first applied table in which the partition's current primary became its primary. A message
 * its primary made with an older table was made under another primaryship (a previous term of the
 * same member, or the other lineage of a split, whose messages the transport may deliver late, after
 * the heal) and must not be applied, whatever its versions say. Likewise it remembers
 * {@link #departedAt(MemberId)}, the last table in which a member dropped out of the table: an
 * operation that member routed with an older table was sent before it was cut off (from the other
 * side of a split, delivered after the heal) and must not run.
 *
 * <p>Handover fences: a member that becomes primary of a partition while the previous primary is
 * alive serves it only once that member confirmed it stopped serving it ({@link #awaitHandover},
 * {@link #fence}); otherwise the old primary, not yet holding the new table, could answer a read
 * with a value older than a write the new primary already acknowledged. Reads validate against
 * fences and table changes optimistically ({@link #optimisticRead()}), without taking a lock.
 */
public final class TopologyState {
    private final MemberId self;
    private final StampedLock lock = new StampedLock();
    private final long[] epochs;
    private final AtomicLongArray sequences;
    private final AtomicLongArray primarySince;
    /** Don't act as primary of p with a table older than this: a successor asked us to stop. */
    private final AtomicLongArray fencedUntil;
    /** The previous primary of p whose confirmation that it stopped serving p we await, or null. */
    private final AtomicReferenceArray<MemberId> handoverFrom;
    private final Map<MemberId, Long> departedAt = new ConcurrentHashMap<>();
    private final List<BiConsumer<PartitionTable, PartitionTable>> listeners = new CopyOnWriteArrayList<>();
    private volatile PartitionTable table;
    private volatile long frozenThrough = -1;
    /** The lease CONSISTENT maps are served under; {@code null} (components tested alone): always held. */
    private final ReadLease readLease;

    /** A topology without a read lease (components tested alone): CONSISTENT maps are always served. */
    public TopologyState(MemberId self, int partitionCount) {
        this(self, partitionCount, topology -> null);
    }

    /**
     * @param readLease builds the member's read lease (ADR 0013) over this topology: the lease reads the applied table,
     *                  and this topology asks the lease before a primary serves a CONSISTENT map
     */
    public TopologyState(MemberId self, int partitionCount, Function<TopologyState, ReadLease> readLease) {
        this.self = self;
        this.table = PartitionTable.initial(partitionCount);
        this.epochs = new long[partitionCount];
        this.sequences = new AtomicLongArray(partitionCount);
        this.primarySince = new AtomicLongArray(partitionCount);
        this.fencedUntil = new AtomicLongArray(partitionCount);
        this.handoverFrom = new AtomicReferenceArray<>(partitionCount);
        this.readLease = readLease.apply(this); // last: the lease may keep this topology, never reads it while built
    }

    /** The member's read lease, or {@code null} for a topology without one. */
    public ReadLease readLease() {
        return readLease;
    }

    /** Whether this member may serve CONSISTENT maps as primary now ({@link ReadLease#holds()}). */
    public boolean holdsReadLease() {
        ReadLease lease = readLease;
        return lease == null || lease.holds();
    }

    public MemberId self() {
        return self;
    }

    public PartitionTable table() {
        return table;
    }

    /**
     * Called under the write lock after each applied table, with (previous, next). Listeners must be
     * quick and must not block: they hand work to their own executors.
     */
    public void addListener(BiConsumer<PartitionTable, PartitionTable> listener) {
        listeners.add(listener);
    }

    /** Applies {@code next} if it is newer than the current table; returns whether it did. */
    public boolean apply(PartitionTable next) {
        long stamp = lock.writeLock();
        try {
            PartitionTable prev = table;
            if (next.version() <= prev.version()) {
                return false;
            }
            if (next.partitionCount() != prev.partitionCount()) {
                throw new IllegalStateException("Partition count mismatch: this member has " + prev.partitionCount()
                        + " partitions, the cluster's table has " + next.partitionCount()
                        + "; every member must be started with the same partitionCount");
            }
            for (int p = 0; p < next.partitionCount(); p++) {
                MemberId primary = next.primary(p);
                if (!Objects.equals(primary, prev.primary(p))) {
                    primarySince.set(p, next.version());
                    if (self.equals(primary)) {
                        epochs[p] = next.version();
                        sequences.set(p, 0);
                    }
                    handoverFrom.set(p, null);
                }
            }
            for (MemberId a : prev.members()) {
                if (!next.members().contains(a)) {
                    departedAt.merge(a, next.version(), Math::max);
                }
            }
            table = next;
            for (BiConsumer<PartitionTable, PartitionTable> l : listeners) {
                l.accept(prev, next);
            }
            return true;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * The version of the first table this member applied in which partition {@code p}'s current
     * primary became its primary (0 before any table). Messages the primary sent with an older table
     * belong to an earlier primaryship: another member's, a previous term of its own, or the other
     * side of a split. Under {@link #readLock()} it belongs to {@link #table()}.
     */
    public long primarySince(int p) {
        return primarySince.get(p);
    }

    /**
     * The version of the last table this member applied in which {@code member} dropped out of the
     * table (it left the view, or this side of a split lost sight of it), 0 if it never did. An
     * operation {@code member} routed with an older table was sent before that and may be delivered
     * only now, by a transport that retransmits what a split dropped once it heals.
     */
    public long departedAt(MemberId member) {
        Long v = departedAt.get(member);
        return v == null ? 0 : v;
    }

    /**
     * Allocates the next write version of partition {@code p}. Call only as its primary, inside the
     * key's update and under {@link #readLock()} (which orders it after the epoch's assignment).
     */
    public long nextVersion(int p) {
        return epochs[p] << 32 | sequences.incrementAndGet(p);
    }

    /**
     * Stops this member from acting as a primary until it applies a table newer than {@code version}:
     * used while a side that lost a merge pushes its data to the winners.
     */
    public void freezeThrough(long version) {
        frozenThrough = version;
    }

    /** Whether operations must wait (answer RETRY) for a table newer than the freeze. */
    public boolean isFrozen() {
        return table.version() <= frozenThrough;
    }

    /**
     * Whether this member may act as primary of {@code p} with table {@code t}: it is the table's
     * primary, no successor fenced it off for this table, and it is not awaiting its predecessor's
     * handover confirmation.
     */
    public boolean servesAsPrimary(PartitionTable t, int p) {
        return self.equals(t.primary(p)) && t.version() >= fencedUntil.get(p) && handoverFrom.get(p) == null;
    }

    /** Whether {@code p} is ours by the table but held back by a fence or a pending handover (callers retry). */
    public boolean isHeldBack(PartitionTable t, int p) {
        return self.equals(t.primary(p)) && !servesAsPrimary(t, p);
    }

    /**
     * Records that this member, new primary of {@code p}, must not serve it until {@code previous}
     * confirmed it stopped ({@link #handoverConfirmed}) or left. Call from a table listener.
     */
    public void awaitHandover(int p, MemberId previous) {
        handoverFrom.set(p, previous);
    }

    /** The member whose handover of {@code p} this member awaits, or {@code null}. */
    public MemberId awaitedHandover(int p) {
        return handoverFrom.get(p);
    }

    /** {@code previous} confirmed it stopped serving {@code p}, or left. */
    public void handoverConfirmed(int p, MemberId previous) {
        // By equality, not identity (compareAndSet's test): one member's ids are equal objects that every table and
        // view builds anew, and the coordinator's own tables mix them, so the confirmation may carry another one.
        MemberId awaited = handoverFrom.get(p);
        if (awaited != null && awaited.equals(previous)) {
            handoverFrom.compareAndSet(p, awaited, null);
        }
    }

    /**
     * Stops this member from acting as primary of {@code partitions} with any table older than
     * {@code tableVersion}. Takes the write lock, so writes and optimistic reads in progress either
     * finish before it returns or see the fence when they validate.
     */
    public void fence(int[] partitions, long tableVersion) {
        long stamp = lock.writeLock();
        try {
            for (int p : partitions) {
                if (p >= 0 && p < fencedUntil.length()) {
                    long cur;
                    do {
                        cur = fencedUntil.get(p);
                    } while (cur < tableVersion && !fencedUntil.compareAndSet(p, cur, tableVersion));
                }
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Starts a lock-free read: read the table and the store, then {@link #validate} the stamp; if it
     * fails, a table or fence changed meanwhile and the read must be redone.
     */
    public long optimisticRead() {
        return lock.tryOptimisticRead();
    }

    /** Whether no table or fence was applied since {@code stamp} was taken. */
    public boolean validate(long stamp) {
        return lock.validate(stamp);
    }

    /** Read side of the table lock: hold it from the ownership check until the write is in the store. */
    public long readLock() {
        return lock.readLock();
    }

    public void unlockRead(long stamp) {
        lock.unlockRead(stamp);
    }
}
