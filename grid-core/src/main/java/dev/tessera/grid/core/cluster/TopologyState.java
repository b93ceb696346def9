package dev.tessera.grid.core.cluster;

import dev.tessera.grid.core.partition.PartitionTable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.StampedLock;
import java.util.function.BiConsumer;
import org.jgroups.Address;

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
 */
public final class TopologyState {
    private final Address self;
    private final StampedLock lock = new StampedLock();
    private final long[] epochs;
    private final AtomicLongArray sequences;
    private final List<BiConsumer<PartitionTable, PartitionTable>> listeners = new CopyOnWriteArrayList<>();
    private volatile PartitionTable table;
    private volatile long frozenThrough = -1;

    public TopologyState(Address self, int partitionCount) {
        this.self = self;
        this.table = PartitionTable.initial(partitionCount);
        this.epochs = new long[partitionCount];
        this.sequences = new AtomicLongArray(partitionCount);
    }

    public Address self() {
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
                if (self.equals(next.primary(p)) && !self.equals(prev.primary(p))) {
                    epochs[p] = next.version();
                    sequences.set(p, 0);
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

    /** Read side of the table lock: hold it from the ownership check until the write is in the store. */
    public long readLock() {
        return lock.readLock();
    }

    public void unlockRead(long stamp) {
        lock.unlockRead(stamp);
    }
}
