package dev.tessera.grid.core.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The entries of one map in one partition on this member, primary or backup copy.
 *
 * <p>Concurrency: a {@link ConcurrentHashMap}; the primary mutates a key inside
 * {@link #compute} so that version allocation and the write are atomic per key. Replicas apply
 * copies with {@link #applyIfNewer}: the highest version wins, whatever order copies arrive in,
 * which makes backup application and migration idempotent and order-insensitive.
 */
public final class PartitionStore {
    private final ConcurrentHashMap<Bytes, Record> entries = new ConcurrentHashMap<>();

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
        return entries.compute(key, fn);
    }

    /** Applies a replicated write unless this replica already has a newer or equal version. */
    public void applyIfNewer(Bytes key, byte[] value, long version, long hlc, long expiresAt, long staleUntil, int loadMillis,
                             boolean tracked) {
        entries.compute(key, (k, cur) -> cur == null || cur.version() < version
                ? Record.of(value, version, hlc, expiresAt, staleUntil, loadMillis, tracked) : cur);
    }

    /** Every record, tombstones included; weakly consistent. */
    public void forEach(BiConsumer<Bytes, Record> action) {
        entries.forEach(action);
    }

    public Iterable<Map.Entry<Bytes, Record>> entries() {
        return entries.entrySet();
    }

    /** Live entries (tombstones excluded). O(n). */
    public int liveCount() {
        int n = 0;
        for (Record r : entries.values()) {
            if (!r.isTombstone()) {
                n++;
            }
        }
        return n;
    }

    /** Serialized bytes of live keys and values. O(n). */
    public long liveBytes() {
        long n = 0;
        for (Map.Entry<Bytes, Record> e : entries.entrySet()) {
            if (!e.getValue().isTombstone()) {
                n += e.getKey().length() + e.getValue().value().length;
            }
        }
        return n;
    }

    /** Estimated heap cost of the live entries ({@link EntryCost}). O(n). */
    public long heapCost(boolean tracked) {
        long n = 0;
        for (Map.Entry<Bytes, Record> e : entries.entrySet()) {
            Record r = e.getValue();
            if (!r.isTombstone()) {
                n += EntryCost.of(e.getKey().length(), r.value().length, tracked);
            }
        }
        return n;
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
        entries.clear();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
