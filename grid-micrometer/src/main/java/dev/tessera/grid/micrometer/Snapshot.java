package dev.tessera.grid.micrometer;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.GridIntrospection.MapCount;
import dev.tessera.grid.GridIntrospection.MapOperations;
import dev.tessera.grid.GridIntrospection.MapStats;
import dev.tessera.grid.GridIntrospection.MapStoreStats;
import dev.tessera.grid.GridIntrospection.MigrationProgress;
import dev.tessera.grid.GridIntrospection.NearCacheStats;
import dev.tessera.grid.GridIntrospection.OperationStats;
import dev.tessera.grid.GridIntrospection.Ownership;
import dev.tessera.grid.GridIntrospection.RejectedMessages;
import java.util.Map;

/**
 * Everything the meters report, read from one member's introspection at one moment: a scrape reads all its gauges
 * from the same snapshot instead of walking the partition table once per gauge.
 */
record Snapshot(int members, Ownership ownership, int migrating, int underReplicated, long tableVersion,
                RejectedMessages rejected, OperationStats operations, MapCount mapCount, Map<String, MapStats> maps,
                Map<String, MapOperations> mapOperations, Map<String, NearCacheStats> nearCaches,
                Map<String, MapStoreStats> stores, MigrationProgress migration) {

    static final Snapshot EMPTY = new Snapshot(0, new Ownership(0, 0, 1), 0, 0, 0, new RejectedMessages(0, 0, 0),
            new OperationStats(0, 0, 0), new MapCount(0, 0), Map.of(), Map.of(), Map.of(), Map.of(),
            new MigrationProgress(0, 0, 0, 0, java.time.Duration.ZERO, 0, 0, 0, 0));

    static Snapshot of(Grid grid) {
        GridIntrospection in = grid.introspection();
        return new Snapshot(grid.members().size(), in.ownership(), in.migrations().size(), in.underReplicatedPartitions(),
                in.partitionTable().version(), in.rejectedMessages(), in.operationStats(), in.mapCount(), in.localMapStats(),
                in.mapOperations(), in.nearCacheStats(), in.mapStoreStats(), in.migrationProgress());
    }
}
