package dev.tessera.grid.core.store;

/**
 * Estimated heap cost of one stored entry on a 64-bit JVM with compressed references (the default
 * below 32 GB of heap): what eviction by bytes bounds and what {@code heapCostBytes} reports.
 * EntryCostTest checks the estimate against the heap growth the JVM reports.
 */
public final class EntryCost {
    /** ConcurrentHashMap node (header 12, hash, key, value, next) and its share of the table (~1.5 slots of 4 bytes). */
    private static final int MAP_NODE = 32 + 6;
    /** {@link Bytes}: header 12, array reference, hash. */
    private static final int KEY_WRAPPER = 24;
    /** {@link Record}: header 12, value reference, version, hlc. */
    private static final int RECORD = 32;
    /** {@link TrackedRecord}: a record plus expiry, stale-until, load time, last access and frequency. */
    private static final int TRACKED_RECORD = 64;

    private EntryCost() {}

    /** Heap bytes of an entry with a key of {@code keyLength} and a value of {@code valueLength} serialized bytes. */
    public static long of(int keyLength, int valueLength, boolean tracked) {
        return MAP_NODE + KEY_WRAPPER + array(keyLength) + (tracked ? TRACKED_RECORD : RECORD) + array(valueLength);
    }

    /** Heap bytes of a live entry as stored: its record's class says whether it is tracked. */
    static long of(Bytes key, Record r) {
        return of(key.length(), r.value().length, r instanceof TrackedRecord);
    }

    /** A byte array: 16 bytes of header and length, contents padded to 8. */
    private static long array(int length) {
        return (16L + length + 7) & ~7L;
    }
}
