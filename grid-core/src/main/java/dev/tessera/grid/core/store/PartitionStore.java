package dev.tessera.grid.core.store;

import dev.tessera.grid.core.time.HybridClock;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The entries of one map in one partition on this member, primary or backup copy.
 *
 * <p>Concurrency: a {@link RecordTable}, lock-free for readers; the primary mutates a key inside
 * {@link #compute} so that version allocation and the write are atomic per key. Replicas apply
 * copies with {@link #applyIfNewer}: the highest version wins, whatever order copies arrive in,
 * which makes backup application and migration idempotent and order-insensitive.
 *
 * <p>Every change goes through this class, which keeps the live-entry count, serialized bytes, heap
 * cost and counts of expiring entries and tombstones up to date incrementally (eviction reads them on
 * each write): the deltas are taken inside the table's atomic update of the key, under its lock, so
 * they never miss or double a change and need no atomic counters.
 */
public final class PartitionStore {
    /** What {@link MapContainer#peek} returns for a partition nobody wrote to: empty, and refuses writes. */
    public static final PartitionStore EMPTY = new PartitionStore();

    private final RecordTable table = new RecordTable();
    private final UncommittedWrites uncommitted = new UncommittedWrites();
    // written only inside the table's update (one writer at a time), read by anyone
    private volatile long live;
    private volatile long liveBytes;
    private volatile long heapCost;
    private volatile long expiring;
    private volatile long tombstones;

    /** The live record of {@code key}, or {@code null} if absent or removed. */
    public Record getLive(Bytes key) {
        Record r = get(key);
        return r == null || r.isTombstone() ? null : r;
    }

    /** The writes this member applied here as primary that its synchronous replicas have not acknowledged yet. */
    public UncommittedWrites uncommitted() {
        return uncommitted;
    }

    /** The record of {@code key}, tombstone included, or {@code null}. */
    public Record get(Bytes key) {
        return table.get(key.array(), key.hashCode());
    }

    /**
     * Atomic read-modify-write of one key (primary side). {@code fn} gets the current record (or
     * {@code null}) and returns it, {@code null} to remove it, or a new record of the same key; it must
     * not update this store itself.
     */
    public Record compute(Bytes key, BiFunction<Bytes, Record, Record> fn) {
        if (this == EMPTY) {
            throw new IllegalStateException("write to the shared empty partition store: use MapContainer.partition(p)");
        }
        return table.compute(key, fn, this::account);
    }

    /**
     * Sizes the table for {@code expected} records at once (a migration source announced how many it sends), so
     * that receiving them costs no rehash on the way. A hint: more or fewer records may follow.
     */
    public void presize(int expected) {
        if (this != EMPTY && expected > 0) {
            table.ensureCapacity(expected);
        }
    }

    /** Records held, tombstones included: what a migration of this store sends. */
    public int recordCount() {
        return table.size();
    }

    /** Applies a replicated write unless this replica already has a newer or equal version. */
    public void applyIfNewer(Bytes key, byte[] value, long version, long hlc, long expiresAt, long staleUntil, int loadMillis,
                             boolean tracked) {
        compute(key, (k, cur) -> cur == null || cur.version() < version
                ? Record.of(k, value, version, hlc, expiresAt, staleUntil, loadMillis, tracked) : cur);
    }

    /** Counts the change from {@code before} to {@code after} (either may be absent or a tombstone); under the table's lock. */
    private void account(Record before, Record after) {
        if (before != null) {
            count(before, -1);
        }
        if (after != null) {
            count(after, 1);
        }
    }

    private void count(Record r, int sign) {
        if (r.isTombstone()) {
            tombstones += sign;
            return;
        }
        live += sign;
        liveBytes += sign * (long) (r.keyLength() + r.valueLength());
        heapCost += sign * EntryCost.of(r);
        if (r.expiresAt() != 0) {
            expiring += sign;
        }
    }

    /** Every record, tombstones included, with a copy of its key; weakly consistent. */
    public void forEach(BiConsumer<Bytes, Record> action) {
        for (Iterator<Record> it = table.iterator(); it.hasNext(); ) {
            Record r = it.next();
            action.accept(Bytes.wrap(r.key()), r);
        }
    }

    /** Every record, tombstones included, without their keys; weakly consistent. */
    public void forEachRecord(Consumer<Record> action) {
        table.iterator().forEachRemaining(action);
    }

    /** Iterates every record, tombstones included, without copying keys; weakly consistent. */
    public Iterator<Record> records() {
        return table.iterator();
    }

    /** Every record, tombstones included, each with a copy of its key; weakly consistent. */
    public Iterable<Map.Entry<Bytes, Record>> entries() {
        return () -> new Iterator<>() {
            private final Iterator<Record> records = table.iterator();

            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public Map.Entry<Bytes, Record> next() {
                Record r = records.next();
                return Map.entry(Bytes.wrap(r.key()), r);
            }
        };
    }

    /** Live entries (tombstones excluded, expired ones not yet removed included). */
    public int liveCount() {
        return (int) live;
    }

    /** Serialized bytes of live keys and values. */
    public long liveBytes() {
        return liveBytes;
    }

    /** Estimated heap cost of the live entries ({@link EntryCost}). */
    public long heapCost() {
        return heapCost;
    }

    /** Live entries with a time-to-live: the expiry sweep visits maps that have any. */
    public long expiringCount() {
        return expiring;
    }

    /** Highest version held, tombstones included; 0 if empty. */
    public long maxVersion() {
        long max = 0;
        for (Iterator<Record> it = table.iterator(); it.hasNext(); ) {
            max = Math.max(max, it.next().version());
        }
        return max;
    }

    /** Removes tombstones written before {@code cutoffMillis} (wall clock); returns how many. Skips stores without any. */
    public int purgeTombstones(long cutoffMillis) {
        if (tombstones == 0) {
            return 0;
        }
        int purged = 0;
        for (Iterator<Record> it = table.iterator(); it.hasNext(); ) {
            Record r = it.next();
            if (r.isTombstone() && HybridClock.millisOf(r.hlc()) < cutoffMillis && table.remove(r, this::account)) {
                purged++;
            }
        }
        if (purged > 0) {
            table.compact();
        }
        return purged;
    }

    /** Slots of the table's current array (tests). */
    int tableCapacity() {
        return table.capacity();
    }

    public void clear() {
        table.clear(r -> account(r, null));
    }

    public boolean isEmpty() {
        return table.isEmpty();
    }
}
