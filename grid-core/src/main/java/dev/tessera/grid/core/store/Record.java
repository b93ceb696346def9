package dev.tessera.grid.core.store;

import dev.tessera.grid.core.time.HybridClock;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * One stored entry: its serialized key and value, and the version the primary gave the write. A
 * record without a value is a tombstone: the key was removed at {@code version}, and the tombstone
 * keeps an older backup or migration copy from resurrecting it until it is purged.
 *
 * <p>Key and value live in one array, {@code [varint keyLength << 1 | tombstone][key][value]}, and the
 * record is also the key of its {@link RecordTable} slot: an entry costs this object, one array and one
 * table slot, about 80 bytes less than a hash map node, a key wrapper, a key array and a value array.
 * {@link #value()} therefore copies; hot paths read the value in place ({@link #valueArray()},
 * {@link #valueOffset()}, {@link #valueLength()}).
 *
 * <p>Plain records carry no expiry or access data, so maps without expiry or eviction pay nothing
 * for them; {@link TrackedRecord} adds both for maps that need them ({@link #of}).
 */
public class Record {
    private final byte[] data;
    private final long version;
    private final long hlc;

    /**
     * @param key     serialized key
     * @param value   serialized value, or {@code null} for a tombstone
     * @param version (primary epoch &lt;&lt; 32 | sequence): orders writes within one table lineage
     * @param hlc     hybrid-logical-clock time of the write ({@link HybridClock}): orders writes across
     *                lineages when split sides merge, and dates tombstones for purging
     */
    public Record(byte[] key, byte[] value, long version, long hlc) {
        this.data = pack(key, value);
        this.version = version;
        this.hlc = hlc;
    }

    /** A record of {@code key} (its bytes, not copied into a wrapper) with {@code value}. */
    public Record(Bytes key, byte[] value, long version, long hlc) {
        this(key.array(), value, version, hlc);
    }

    /**
     * A record with expiry and access tracking if {@code tracked} or if it expires, a plain one otherwise.
     *
     * @param expiresAt wall-clock millis at which the entry expires, 0 for never
     */
    public static Record of(Bytes key, byte[] value, long version, long hlc, long expiresAt, boolean tracked) {
        return of(key, value, version, hlc, expiresAt, 0, 0, tracked);
    }

    /**
     * A record of a loaded value ({@code getOrLoad}), which may be served stale after it expires.
     *
     * @param staleUntil wall-clock millis until which a stale-while-revalidate reader may still be given
     *                   the expired value (0: not after expiry); the entry is removed only after it
     * @param loadMillis how long the load that produced the value took, for early refresh (XFetch)
     */
    public static Record of(Bytes key, byte[] value, long version, long hlc, long expiresAt, long staleUntil, int loadMillis,
                            boolean tracked) {
        return tracked || expiresAt != 0 || staleUntil != 0 || loadMillis != 0
                ? new TrackedRecord(key.array(), value, version, hlc, expiresAt, staleUntil, loadMillis)
                : new Record(key.array(), value, version, hlc);
    }

    private static byte[] pack(byte[] key, byte[] value) {
        int header = (key.length << 1) | (value == null ? 1 : 0);
        int headerLength = varintLength(header);
        byte[] d = new byte[headerLength + key.length + (value == null ? 0 : value.length)];
        int i = 0;
        while ((header & ~0x7F) != 0) {
            d[i++] = (byte) ((header & 0x7F) | 0x80);
            header >>>= 7;
        }
        d[i++] = (byte) header;
        System.arraycopy(key, 0, d, i, key.length);
        if (value != null) {
            System.arraycopy(value, 0, d, i + key.length, value.length);
        }
        return d;
    }

    private static int varintLength(int v) {
        return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x20_0000 ? 3 : v < 0x1000_0000 ? 4 : 5;
    }

    /** The varint header: key length &lt;&lt; 1 | tombstone bit. */
    private int header() {
        byte[] d = data;
        int b = d[0];
        if (b >= 0) {
            return b; // keys under 64 bytes: one header byte
        }
        int h = b & 0x7F;
        for (int i = 1, shift = 7; ; i++, shift += 7) {
            b = d[i];
            h |= (b & 0x7F) << shift;
            if (b >= 0) {
                return h;
            }
        }
    }

    /** Offset of the key in the array. */
    private int keyOffset() {
        return data[0] >= 0 ? 1 : varintLength(header());
    }

    public final int keyLength() {
        return header() >>> 1;
    }

    /** A copy of the serialized key. */
    public final byte[] key() {
        int off = keyOffset();
        return Arrays.copyOfRange(data, off, off + keyLength());
    }

    /** Whether this record's key is exactly {@code key}. */
    public final boolean hasKey(byte[] key) {
        int h = header();
        int off = h < 0x80 ? 1 : varintLength(h);
        int len = h >>> 1;
        return len == key.length && Arrays.equals(data, off, off + len, key, 0, len);
    }

    /** The key's hash, equal to {@link Bytes#hashCode()} of the same key. */
    final int keyHash() {
        int off = keyOffset();
        int end = off + keyLength();
        int h = 1;
        for (int i = off; i < end; i++) {
            h = 31 * h + data[i];
        }
        return h;
    }

    /** A copy of the serialized value, or {@code null} for a tombstone; reads in place where it matters. */
    public final byte[] value() {
        if (isTombstone()) {
            return null;
        }
        int off = valueOffset();
        return Arrays.copyOfRange(data, off, data.length);
    }

    /** The array holding the value at {@link #valueOffset()}; do not modify. */
    public final byte[] valueArray() {
        return data;
    }

    public final int valueOffset() {
        int h = header();
        return (h < 0x80 ? 1 : varintLength(h)) + (h >>> 1);
    }

    /** Serialized length of the value, 0 for a tombstone. */
    public final int valueLength() {
        return isTombstone() ? 0 : data.length - valueOffset();
    }

    /** Whether this record is live and its value is exactly {@code value}. */
    public final boolean valueEquals(byte[] value) {
        if (isTombstone() || value == null) {
            return false;
        }
        int off = valueOffset();
        return Arrays.equals(data, off, data.length, value, 0, value.length);
    }

    /** Writes the value as {@code [int length][bytes]}, length -1 for a tombstone. */
    public final void writeValue(DataOutput out) throws IOException {
        if (isTombstone()) {
            out.writeInt(-1);
            return;
        }
        int off = valueOffset();
        out.writeInt(data.length - off);
        out.write(data, off, data.length - off);
    }

    public final long version() {
        return version;
    }

    public final long hlc() {
        return hlc;
    }

    public final boolean isTombstone() {
        return (data[0] & 1) != 0; // the tombstone bit is the lowest bit of the header's first byte
    }

    /** Heap bytes of the key-and-value array ({@link EntryCost}). */
    final int arrayLength() {
        return data.length;
    }

    /** Wall-clock millis at which the entry's time-to-live ends; 0 for never. */
    public long expiresAt() {
        return 0;
    }

    /** Wall-clock millis until which a stale-while-revalidate read may return the expired value; 0 for none. */
    public long staleUntil() {
        return 0;
    }

    /** How long the load that produced this value took (millis); 0 if it was not loaded. */
    public int loadMillis() {
        return 0;
    }

    /** Wall-clock millis of the last read or write seen by this replica (its write time if untracked). */
    public long lastAccessMillis() {
        return HybridClock.millisOf(hlc);
    }

    /** Decaying access frequency at {@code nowMillis}, for LFU eviction; 0 if untracked. */
    public int frequency(long nowMillis) {
        return 0;
    }

    /** Records a read at {@code nowMillis}; no-op for untracked records. */
    public void touch(long nowMillis) {}

    @Override
    public String toString() {
        return "Record[" + (isTombstone() ? "tombstone" : valueLength() + " bytes") + ", v" + version + "]";
    }
}
