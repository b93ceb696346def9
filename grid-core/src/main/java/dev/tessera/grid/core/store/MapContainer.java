package dev.tessera.grid.core.store;

import dev.tessera.grid.MapConfig;

/** One map's storage on this member: a {@link PartitionStore} per partition, and its configuration. */
public final class MapContainer {
    private final String name;
    private final MapConfig config;
    private final PartitionStore[] partitions;

    public MapContainer(String name, MapConfig config, int partitionCount) {
        this.name = name;
        this.config = config;
        this.partitions = new PartitionStore[partitionCount];
        for (int p = 0; p < partitionCount; p++) {
            partitions[p] = new PartitionStore();
        }
    }

    public String name() {
        return name;
    }

    public MapConfig config() {
        return config;
    }

    public PartitionStore partition(int p) {
        return partitions[p];
    }

    public int partitionCount() {
        return partitions.length;
    }

    /** Replica slots 0..replicas-1 hold this map's data: the primary plus every backup. */
    public int replicas() {
        return 1 + config.totalBackups();
    }
}
