package dev.tessera.grid.core.store;

/**
 * One stored entry: serialized value and the version the primary gave the write. A {@code null}
 * value is a tombstone: the key was removed at {@code version}, and the tombstone keeps an older
 * backup or migration copy from resurrecting it until it is purged.
 *
 * <p>Plain records carry no expiry or access data, so maps without expiry or eviction pay nothing
 * for them; {@link TrackedRecord} adds both for maps that need them ({@link #of}).
 */
public class Record {
    private final byte[] value;
    private final long version;
    private final long hlc;

    /**
     * @param value   serialized value, or {@code null} for a tombstone
     * @param version (primary epoch &lt;&lt; 32 | sequence): orders writes within one table lineage
     * @param hlc     hybrid-logical-clock time of the write ({@link HybridClock}): orders writes across
     *                lineages when split sides merge, and dates tombstones for purging
     */
    public Record(byte[] value, long version, long hlc) {
        this.value = value;
        this.version = version;
        this.hlc = hlc;
    }

    /**
     * A record with expiry and access tracking if {@code tracked} or if it expires, a plain one otherwise.
     *
     * @param expiresAt wall-clock millis at which the entry expires, 0 for never
     */
    public static Record of(byte[] value, long version, long hlc, long expiresAt, boolean tracked) {
        return of(value, version, hlc, expiresAt, 0, 0, tracked);
    }

    /**
     * A record of a loaded value ({@code getOrLoad}), which may be served stale after it expires.
     *
     * @param staleUntil wall-clock millis until which a stale-while-revalidate reader may still be given
     *                   the expired value (0: not after expiry); the entry is removed only after it
     * @param loadMillis how long the load that produced the value took, for early refresh (XFetch)
     */
    public static Record of(byte[] value, long version, long hlc, long expiresAt, long staleUntil, int loadMillis,
                            boolean tracked) {
        return tracked || expiresAt != 0 || staleUntil != 0 || loadMillis != 0
                ? new TrackedRecord(value, version, hlc, expiresAt, staleUntil, loadMillis)
                : new Record(value, version, hlc);
    }

    public final byte[] value() {
        return value;
    }

    public final long version() {
        return version;
    }

    public final long hlc() {
        return hlc;
    }

    public final boolean isTombstone() {
        return value == null;
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

    /** Decaying access frequency, for LFU eviction; 0 if untracked. */
    public int frequency() {
        return 0;
    }

    /** Records a read at {@code nowMillis}; no-op for untracked records. */
    public void touch(long nowMillis) {}

    @Override
    public String toString() {
        return "Record[" + (value == null ? "tombstone" : value.length + " bytes") + ", v" + version + "]";
    }
}
