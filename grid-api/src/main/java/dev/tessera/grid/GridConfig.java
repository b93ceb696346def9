package dev.tessera.grid;

import java.time.Duration;
import java.util.List;

/**
 * Immutable configuration of one member, built by {@link GridBuilder}. All members of a cluster must
 * agree on {@code clusterName}, {@code partitionCount} and the registered types.
 *
 * @param clusterName             members with the same name (and reachable transport) form a cluster
 * @param memberName              this member's name, shown in tools and logs
 * @param zone                    failure zone (rack, availability zone) or {@code null}; backups are
 *                                placed in other zones than their primary where possible
 * @param transport               how members find each other
 * @param partitionCount          number of partitions, fixed for the life of the cluster
 * @param operationTimeout        how long a map operation may take, retries included
 * @param failureDetectionTimeout how long a silent member is tolerated before it is suspected
 * @param leaveTimeout            how long {@link Grid#close()} waits for its partitions to be handed over
 * @param maxInFlightRequests     bound on concurrent remote requests issued by application threads
 * @param registeredTypes         application classes allowed to be serialized
 * @param mergePolicies           split-brain merge policies by name, for {@link MapConfig#mergePolicy()}
 * @param mapStores               map stores by name, for {@link MapStoreConfig#storeName()}
 * @param security                how members authenticate and protect traffic; {@code null} means none was set
 *                                (then only loopback and in-process transports are allowed, see {@link GridBuilder#build()})
 * @param limits                  bounds on what this member holds ({@link GridBuilder#maxMaps(int)},
 *                                {@link GridBuilder#maxValueBytes(int)})
 * @param shutdownHook            whether a JVM shutdown hook closes (hands over) the member ({@link GridBuilder#shutdownHook(boolean)})
 */
public record GridConfig(
        String clusterName,
        String memberName,
        String zone,
        Transport transport,
        int partitionCount,
        Duration operationTimeout,
        Duration failureDetectionTimeout,
        Duration leaveTimeout,
        int maxInFlightRequests,
        List<Class<?>> registeredTypes,
        java.util.Map<String, MergePolicy> mergePolicies,
        java.util.Map<String, MapStore<?, ?>> mapStores,
        Security security, Limits limits, boolean shutdownHook) {

    /**
     * Bounds on the resources one member spends on maps.
     *
     * @param maxMaps                     most maps this member holds at once, created locally or by other members' messages
     * @param maxValueBytes               most bytes of one serialized key or value; a larger one is refused on the caller
     * @param migrationBudgetBytes        most migration bytes this member has in flight as a source (sent, not yet
     *                                    acknowledged) and, separately, holds as a target before it can apply them
     *                                    ({@link GridBuilder#migrationBudget(long)})
     * @param migrationRateBytesPerSecond most migration bytes this member sends per second as a source; 0 for no
     *                                    limit ({@link GridBuilder#migrationRateLimit(long)})
     */
    public record Limits(int maxMaps, int maxValueBytes, long migrationBudgetBytes, long migrationRateBytesPerSecond) {
        /** Default {@link #migrationBudgetBytes()}: 64 MiB, a small share of any heap that holds a grid's data. */
        public static final long DEFAULT_MIGRATION_BUDGET_BYTES = 64L << 20;
        /** The smallest {@link #migrationBudgetBytes()}: two of the largest usual migration chunks (512 KB each). */
        public static final long MIN_MIGRATION_BUDGET_BYTES = 1L << 20;
        /** The smallest non-zero {@link #migrationRateBytesPerSecond()}: 64 KiB/s. */
        public static final long MIN_MIGRATION_RATE = 64L << 10;
        /** The defaults of {@link GridBuilder}. */
        public static final Limits DEFAULTS = new Limits(GridBuilder.DEFAULT_MAX_MAPS, GridBuilder.MAX_VALUE_BYTES);

        /** The given map limits with the default migration budget and no rate limit. */
        public Limits(int maxMaps, int maxValueBytes) {
            this(maxMaps, maxValueBytes, DEFAULT_MIGRATION_BUDGET_BYTES, 0);
        }

        /**
         * @throws IllegalArgumentException if the migration budget is below {@link #MIN_MIGRATION_BUDGET_BYTES} or the
         *                                  rate is negative or below {@link #MIN_MIGRATION_RATE} (0 turns it off)
         */
        public Limits {
            GridBuilder.checkMigrationBudget(migrationBudgetBytes);
            GridBuilder.checkMigrationRate(migrationRateBytesPerSecond);
        }
    }

    public GridConfig {
        limits = limits == null ? Limits.DEFAULTS : limits;
        registeredTypes = List.copyOf(registeredTypes);
        mergePolicies = java.util.Map.copyOf(mergePolicies);
        mapStores = java.util.Map.copyOf(mapStores);
    }

    /** The configuration without a security setting (loopback and in-process transports) and with the default limits. */
    public GridConfig(String clusterName, String memberName, String zone, Transport transport, int partitionCount,
            Duration operationTimeout, Duration failureDetectionTimeout, Duration leaveTimeout, int maxInFlightRequests,
            List<Class<?>> registeredTypes, java.util.Map<String, MergePolicy> mergePolicies,
            java.util.Map<String, MapStore<?, ?>> mapStores) {
        this(clusterName, memberName, zone, transport, partitionCount, operationTimeout, failureDetectionTimeout,
                leaveTimeout, maxInFlightRequests, registeredTypes, mergePolicies, mapStores, null, Limits.DEFAULTS, true);
    }
}
