package dev.tessera.grid.core.store;

/**
 * Estimated heap cost of one stored entry on a 64-bit JVM with compressed references (the default
 * below 32 GB of heap): what eviction by bytes bounds and what {@code heapCostBytes} reports.
 * EntryCostTest checks the estimate against the heap growth the JVM reports.
 */
public final class EntryCost {
    /** A {@link RecordTable} slot: a 4-byte reference in a table kept 3/8 to 3/4 full. */
    private static final int TABLE_SLOT = 8;
    /** {@link Record}: header 12, array reference, version, hlc. */
    private static final int RECORD = 32;
    /** {@link TrackedRecord}: a record plus expiry, stale-until, load time, last access and frequency. */
    private static final int TRACKED_RECORD = 64;

    private EntryCost() {}

    /** Heap bytes of an entry with a key of {@code keyLength} and a value of {@code valueLength} serialized bytes. */
    public static long of(int keyLength, int valueLength, boolean tracked) {
        int header = keyLength < 64 ? 1 : keyLength < 8192 ? 2 : keyLength < 1_048_576 ? 3 : 4;
        return TABLE_SLOT + (tracked ? TRACKED_RECORD : RECORD) + array(header + keyLength + valueLength);
    }

    /** Heap bytes of a live record as stored: its class says whether it is tracked. */
    static long of(Record r) {
        return TABLE_SLOT + (r instanceof TrackedRecord ? TRACKED_RECORD : RECORD) + array(r.arrayLength());
    }

    /** A byte array: 16 bytes of header and length, contents padded to 8. */
    private static long array(int length) {
        return (16L + length + 7) & ~7L;
    }
}
