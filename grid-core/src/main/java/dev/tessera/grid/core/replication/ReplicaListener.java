package dev.tessera.grid.core.replication;

import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import java.util.List;

/**
 * Told of every copy a replica accepted from a partition's primary (backups and migration chunks),
 * after applying it; must only record, never block.
 */
@FunctionalInterface
public interface ReplicaListener {
    ReplicaListener NONE = (map, partition, entries) -> { };

    void applied(MapContainer map, int partition, List<ReplicaEntry> entries);
}
