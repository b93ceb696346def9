package dev.tessera.grid.core.store;

/**
 * One stored entry: serialized value and the version the primary gave the write. A {@code null}
 * value is a tombstone: the key was removed at {@code version}, and the tombstone keeps an older
 * backup or migration copy from resurrecting it until it is purged.
 *
 * @param value   serialized value, or {@code null} for a tombstone
 * @param version (primary epoch &lt;&lt; 32 | sequence): orders writes within one table lineage
 * @param hlc     hybrid-logical-clock time of the write ({@link HybridClock}): orders writes across
 *                lineages when split sides merge, and dates tombstones for purging
 */
public record Record(byte[] value, long version, long hlc) {
    public boolean isTombstone() {
        return value == null;
    }
}
