package dev.tessera.grid.core.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The entries of one map in one partition on this member, primary or backup copy.
 *
 * <p>Concurrency: a {@link ConcurrentHashMap}; the primary mutates a key inside
 * {@link #compute} so that version allocation and the write are atomic per key. Replicas apply
 * copies with {@link #applyIfNewer}: the highest version wins, whatever order copies arrive in,
 * which makes backup application and migration idempotent and order-insensitive.
 *
 * <p>Every change goes through this class, which keeps the live-entry count, serialized bytes, heap
 * cost and count of expiring entries up to date incrementally (eviction reads them on each write):
 * the deltas are taken inside the map's atomic update of the key, so they never miss or double a change.
 */
public final class PartitionStore {
    private final ConcurrentHashMap<Bytes, Record> entries = new ConcurrentHashMap<>();
    private final LongAdder live = new LongAdder();
    private final LongAdder liveBytes = new LongAdder();
    private final LongAdder heapCost = new LongAdder();
    private final LongAdder expiring = new LongAdder();

    /** The live record of {@code key}, or {@code null} if absent or removed. */
    public Record getLive(Bytes key) {
        Record r = get(key);
        return r == null || r.isTombstone() ? null : r;
    }

    /** The record of {@code key}, tombstone included, or {@code null}. */
    public Record get(Bytes key) {
        return entries.get(key);
    }

    /** Atomic read-modify-write of one key (primary side). */
    public Record compute(Bytes key, BiFunction<Bytes, Record, Record> fn) {
        return entries.compute(key, (k, cur) -> {
            Record next = fn.apply(k, cur);
            account(k, cur, next);
            return next;
        });
    }

    /** Applies a replicated write unless this replica already has a newer or equal version. */
    public void applyIfNewer(Bytes key, byte[] value, long version, long hlc, long expiresAt, long staleUntil, int loadMillis,
                             boolean tracked) {
        compute(key, (k, cur) -> cur == null || cur.version() < version
                ? Record.of(value, version, hlc, expiresAt, staleUntil, loadMillis, tracked) : cur);
    }

    /** Counts the change of {@code key} from {@code before} to {@code after} (either may be absent or a tombstone). */
    private void account(Bytes key, Record before, Record after) {
        if (before == after) {
            return;
        }
        if (before != null && !before.isTombstone()) {
            live.decrement();
            liveBytes.add(-(key.length() + before.value().length));
            heapCost.add(-EntryCost.of(key, before));
            if (before.expiresAt() != 0) {
                expiring.decrement();
            }
        }
        if (after != null && !after.isTombstone()) {
            live.increment();
            liveBytes.add(key.length() + after.value().length);
            heapCost.add(EntryCost.of(key, after));
            if (after.expiresAt() != 0) {
                expiring.increment();
            }
        }
    }

    /** Every record, tombstones included; weakly consistent. */
    public void forEach(BiConsumer<Bytes, Record> action) {
        entries.forEach(action);
    }

    public Iterable<Map.Entry<Bytes, Record>> entries() {
        return entries.entrySet();
    }

    /** Live entries (tombstones excluded, expired ones not yet removed included). */
    public int liveCount() {
        return (int) live.sum();
    }

    /** Serialized bytes of live keys and values. */
    public long liveBytes() {
        return liveBytes.sum();
    }

    /** Estimated heap cost of the live entries ({@link EntryCost}). */
    public long heapCost() {
        return heapCost.sum();
    }

    /** Live entries with a time-to-live: the expiry sweep visits maps that have any. */
    public long expiringCount() {
        return expiring.sum();
    }

    /** Highest version held, tombstones included; 0 if empty. */
    public long maxVersion() {
        long max = 0;
        for (Record r : entries.values()) {
            max = Math.max(max, r.version());
        }
        return max;
    }

    /** Removes tombstones written before {@code cutoffMillis} (wall clock); returns how many. */
    public int purgeTombstones(long cutoffMillis) {
        int[] purged = {0};
        entries.forEach((k, r) -> {
            if (r.isTombstone() && HybridClock.millisOf(r.hlc()) < cutoffMillis && entries.remove(k, r)) {
                purged[0]++;
            }
        });
        return purged[0];
    }

    public void clear() {
        entries.forEach((k, r) -> {
            if (entries.remove(k, r)) {
                account(k, r, null);
            }
        });
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
