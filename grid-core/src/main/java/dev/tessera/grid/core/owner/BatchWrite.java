package dev.tessera.grid.core.owner;

import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A {@link PartitionWrite} of any number of keys: collects each changed key and its copy. */
abstract class BatchWrite<R> extends PartitionWrite<R> {
    private final List<ReplicaEntry> copies;
    private final List<Bytes> keys;

    BatchWrite(MapContainer map, int partition, int expectedKeys) {
        super(map, partition, new CompletableFuture<>());
        this.copies = new ArrayList<>(expectedKeys);
        this.keys = new ArrayList<>(expectedKeys);
    }

    /**
     * Records that {@code key} changed to {@code copy}; call inside the key's update.
     *
     * @param register whether to register the key's uncommitted window here (false: the key's mutation did)
     */
    final void changed(PartitionStore store, Bytes key, ReplicaEntry copy, boolean register) {
        if (register) {
            store.uncommitted().add(key, commit);
        }
        keys.add(key);
        copies.add(copy);
    }

    @Override
    boolean changed() {
        return !copies.isEmpty();
    }

    @Override
    final List<ReplicaEntry> copies() {
        return copies;
    }

    @Override
    final void settleKeys(PartitionStore store) {
        for (Bytes key : keys) {
            store.uncommitted().settle(key, commit);
        }
    }
}
