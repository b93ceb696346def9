package dev.tessera.grid.core.replication;

import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.Record;

/**
 * Told of every change a primary applies to an entry (entry events, write-behind queues, eviction).
 *
 * <p>Called on the primary inside the key's atomic update, so calls for one key come in the order
 * the changes were applied; an observer must therefore only record or enqueue, never block or call
 * back into the store.
 */
@FunctionalInterface
public interface ChangeObserver {
    /**
     * @param before the record before the change; {@code null} or a tombstone if the key had no live value
     * @param after  the record after it; a tombstone for a removal
     */
    void onChange(MapContainer map, int partition, Bytes key, Record before, Record after, ChangeCause cause);
}
