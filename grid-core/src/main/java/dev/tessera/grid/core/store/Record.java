package dev.tessera.grid.core.store;

/**
 * One stored entry: serialized value and the version the primary gave the write. A {@code null}
 * value is a tombstone: the key was removed at {@code version}, and the tombstone keeps an older
 * backup or migration copy from resurrecting it until it is purged.
 *
 * @param value        serialized value, or {@code null} for a tombstone
 * @param version      (primary epoch &lt;&lt; 32 | sequence): newer writes have larger versions
 * @param updatedNanos when this replica applied the write (System.nanoTime), for tombstone purging
 */
public record Record(byte[] value, long version, long updatedNanos) {
    public boolean isTombstone() {
        return value == null;
    }
}
