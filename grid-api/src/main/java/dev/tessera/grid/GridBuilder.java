package dev.tessera.grid;

import dev.tessera.grid.spi.GridFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.UUID;

/**
 * Builds and starts a {@link Grid}. Every setter validates at once and says what to fix; the builder
 * is not thread-safe and may be reused to start several members (tests do).
 *
 * <pre>{@code
 * try (Grid grid = Grid.builder().clusterName("orders").memberName("orders-1").start()) {
 *     GridMap<String, String> orders = grid.map("orders");
 *     orders.put("o-1", "new");
 * }
 * }</pre>
 */
public final class GridBuilder {
    /** Default partition count, as Hazelcast: a prime comfortably larger than typical cluster sizes. */
    public static final int DEFAULT_PARTITIONS = 271;
    /**
     * Default {@link #maxMaps(int)}. An empty map costs a few hundred bytes per member, a written one
     * up to ~70 KB of partition stores before its entries: 1,000 maps bound that overhead to ~70 MB per
     * member, far more maps than applications use, and few enough that a client naming maps at random
     * (one map per request) is refused long before the heap runs out.
     */
    public static final int DEFAULT_MAX_MAPS = 1_000;
    /**
     * Largest serialized key or value ({@link #maxValueBytes(int)}): 64 MiB, the largest byte field a
     * member accepts in a message from another member.
     */
    public static final int MAX_VALUE_BYTES = 64 << 20;

    private String clusterName = "tessera";
    private String memberName;
    private String zone;
    private Transport transport = Transport.tcp(7800);
    private int partitionCount = DEFAULT_PARTITIONS;
    private Duration operationTimeout = Duration.ofSeconds(10);
    private Duration failureDetectionTimeout = Duration.ofSeconds(3);
    private Duration leaveTimeout = Duration.ofSeconds(60);
    private boolean shutdownHook = true;
    private int maxInFlightRequests = 1024;
    private Security security;
    private int maxMaps = DEFAULT_MAX_MAPS;
    private int maxValueBytes = MAX_VALUE_BYTES;
    private long migrationBudget = GridConfig.Limits.DEFAULT_MIGRATION_BUDGET_BYTES;
    private long migrationRate;
    private final List<Class<?>> registeredTypes = new ArrayList<>();
    private final java.util.Map<String, MergePolicy> mergePolicies = new java.util.HashMap<>();
    private final java.util.Map<String, MapStore<?, ?>> mapStores = new java.util.HashMap<>();

    GridBuilder() {}

    public GridBuilder clusterName(String name) {
        this.clusterName = requireText(name, "clusterName");
        return this;
    }

    public GridBuilder memberName(String name) {
        this.memberName = requireText(name, "memberName");
        return this;
    }

    /** Failure zone of this member (rack, AZ); {@code null} for none. */
    public GridBuilder zone(String zone) {
        this.zone = zone;
        return this;
    }

    public GridBuilder transport(Transport transport) {
        this.transport = Objects.requireNonNull(transport, "transport must not be null: use Transport.inProcess(), tcp(port) or jgroupsXml(file)");
        return this;
    }

    public GridBuilder partitionCount(int count) {
        if (count < 1 || count > 65_536) {
            throw new IllegalArgumentException("partitionCount must be between 1 and 65536 (default 271), was " + count);
        }
        this.partitionCount = count;
        return this;
    }

    public GridBuilder operationTimeout(Duration timeout) {
        this.operationTimeout = requirePositive(timeout, "operationTimeout");
        return this;
    }

    public GridBuilder failureDetectionTimeout(Duration timeout) {
        this.failureDetectionTimeout = requirePositive(timeout, "failureDetectionTimeout");
        return this;
    }

    public GridBuilder leaveTimeout(Duration timeout) {
        this.leaveTimeout = requirePositive(timeout, "leaveTimeout");
        return this;
    }

    /**
     * Whether the member leaves gracefully when the JVM shuts down (default {@code true}): a JVM shutdown hook
     * (SIGTERM, {@code System.exit}, the end of {@code main}) calls {@link Grid#close()}, which hands this member's
     * partitions over to the others, bounded by {@link #leaveTimeout(Duration)}, before the process exits. That is
     * what makes a Kubernetes scale-down or rolling update lose nothing: give the pod a termination grace period
     * longer than the leave timeout. Turn it off only if the application closes the grid in its own shutdown
     * sequence (Spring does: its context closes the grid before the JVM's hooks would).
     */
    public GridBuilder shutdownHook(boolean leaveOnShutdown) {
        this.shutdownHook = leaveOnShutdown;
        return this;
    }

    public GridBuilder maxInFlightRequests(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxInFlightRequests must be >= 1, was " + max);
        }
        this.maxInFlightRequests = max;
        return this;
    }

    /**
     * Most maps this member holds at once (default {@value #DEFAULT_MAX_MAPS}): maps it created and maps
     * other members' operations created on it. Beyond it {@link Grid#map(String)} and operations on a
     * new map fail with {@link GridLimitException}; {@link GridMap#destroy()} frees a map's slot on every
     * member. Use the same limit on every member.
     *
     * @throws IllegalArgumentException if {@code max} is below 1
     */
    public GridBuilder maxMaps(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxMaps must be >= 1 (default " + DEFAULT_MAX_MAPS + "), was " + max);
        }
        this.maxMaps = max;
        return this;
    }

    /**
     * Largest serialized key or value a write may carry (default and maximum {@value #MAX_VALUE_BYTES},
     * 64 MiB, the members' wire limit). A larger one fails on the caller with
     * {@link IllegalArgumentException} before it is sent or applied anywhere.
     *
     * @throws IllegalArgumentException if {@code max} is not within 1..64 MiB
     */
    public GridBuilder maxValueBytes(int max) {
        if (max < 1 || max > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("maxValueBytes must be between 1 and " + MAX_VALUE_BYTES
                    + " (64 MiB, the wire limit), was " + max);
        }
        this.maxValueBytes = max;
        return this;
    }

    /**
     * Most bytes of partition data this member has on the way during migrations (joins, leaves, rebuilding backups),
     * default 64 MiB: as a source, the encoded chunks sent and not yet acknowledged by their target; as a target,
     * separately, the chunks it holds because they arrived before the partition table that asks for them. Whatever
     * the size of the data and the number of partitions moving, a migration then cannot run either side out of heap
     * (one chunk larger than the budget, a single huge entry, is still sent, alone). A smaller budget slows a
     * rebalance on a fast network; a larger one gains little beyond the network's bandwidth-delay product.
     *
     * @throws IllegalArgumentException if {@code bytes} is below 1 MiB ({@link GridConfig.Limits#MIN_MIGRATION_BUDGET_BYTES})
     */
    public GridBuilder migrationBudget(long bytes) {
        checkMigrationBudget(bytes);
        this.migrationBudget = bytes;
        return this;
    }

    /**
     * Most bytes of partition data per second this member sends as a migration source (default 0: no limit), to
     * leave bandwidth to the application's traffic during a rebalance, at the cost of a longer one: moving
     * {@code n} bytes off this member takes at least {@code n / bytesPerSecond} seconds.
     *
     * @throws IllegalArgumentException if {@code bytesPerSecond} is negative or between 1 and 64 KiB/s
     *                                  ({@link GridConfig.Limits#MIN_MIGRATION_RATE})
     */
    public GridBuilder migrationRateLimit(long bytesPerSecond) {
        checkMigrationRate(bytesPerSecond);
        this.migrationRate = bytesPerSecond;
        return this;
    }

    static void checkMigrationBudget(long bytes) {
        if (bytes < GridConfig.Limits.MIN_MIGRATION_BUDGET_BYTES) {
            throw new IllegalArgumentException("migrationBudget must be at least " + GridConfig.Limits.MIN_MIGRATION_BUDGET_BYTES
                    + " bytes (1 MiB; default " + GridConfig.Limits.DEFAULT_MIGRATION_BUDGET_BYTES + "), was " + bytes);
        }
    }

    static void checkMigrationRate(long bytesPerSecond) {
        if (bytesPerSecond < 0 || (bytesPerSecond > 0 && bytesPerSecond < GridConfig.Limits.MIN_MIGRATION_RATE)) {
            throw new IllegalArgumentException("migrationRateLimit must be 0 (no limit) or at least "
                    + GridConfig.Limits.MIN_MIGRATION_RATE + " bytes per second (64 KiB/s), was " + bytesPerSecond);
        }
    }

    /** Allows instances of {@code type} to be stored and sent. Register the same types on every member. */
    public GridBuilder registerType(Class<?> type) {
        registeredTypes.add(Objects.requireNonNull(type, "type"));
        return this;
    }

    /**
     * Registers a split-brain merge policy under {@code name}, for maps configured with
     * {@link MapConfig.Builder#mergePolicy(String)}. Register the same names on every member.
     */
    public GridBuilder mergePolicy(String name, MergePolicy policy) {
        mergePolicies.put(requireText(name, "merge policy name"), Objects.requireNonNull(policy, "policy"));
        return this;
    }

    /**
     * Registers a {@link MapStore} under {@code name}, for maps configured with
     * {@link MapConfig.Builder#mapStore(MapStoreConfig)}. Register the same names on every member.
     */
    public GridBuilder mapStore(String name, MapStore<?, ?> store) {
        mapStores.put(requireText(name, "map store name"), Objects.requireNonNull(store, "store"));
        return this;
    }

    /**
     * Who may join and how traffic is protected: {@link Security#sharedSecret(String)},
     * {@link Security#mutualTls}, or {@link Security#insecure()}. Without it a member may bind loopback only.
     */
    public GridBuilder security(Security security) {
        this.security = Objects.requireNonNull(security, "security must not be null: use Security.sharedSecret(..), "
                + "Security.mutualTls(..) or Security.insecure()");
        return this;
    }

    /**
     * The configuration this builder would start a member with.
     *
     * @throws IllegalStateException    if a TCP transport binds a non-loopback address and no {@link #security}
     *                                  was set (secure by default: the message says how to set one)
     * @throws IllegalArgumentException if the security setting does not fit the transport (TLS needs
     *                                  {@link Transport#tcp}; a {@link Transport#jgroupsXml} stack brings its own)
     */
    public GridConfig build() {
        SecurityCheck.check(transport, security, clusterName);
        String name = memberName != null ? memberName : "member-" + UUID.randomUUID().toString().substring(0, 8);
        return new GridConfig(clusterName, name, zone, transport, partitionCount, operationTimeout,
                failureDetectionTimeout, leaveTimeout, maxInFlightRequests, registeredTypes, mergePolicies, mapStores,
                security, new GridConfig.Limits(maxMaps, maxValueBytes, migrationBudget, migrationRate), shutdownHook);
    }

    /**
     * Starts a member and joins the cluster. Blocks until this member has a partition table.
     *
     * @throws IllegalStateException if no implementation (tessera grid-core) is on the class path
     * @throws GridIncompatibleMemberException if the cluster registers other types, or uses another partition
     *                                          count or wire-format version: the message names each difference
     * @throws GridException         if the member cannot join
     * @throws GridSecurityException if members of the cluster were found but refused this member (or it refused
     *                               them): wrong or missing secret, untrusted certificate
     * @throws IllegalStateException if a non-loopback address is bound without a security setting (see {@link #build()})
     */
    public Grid start() {
        GridConfig config = build();
        Iterator<GridFactory> factories = ServiceLoader.load(GridFactory.class).iterator();
        if (!factories.hasNext()) {
            throw new IllegalStateException("No Tessera implementation found: add the dependency dev.tessera:grid-core");
        }
        return factories.next().start(config);
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must be a non-empty string");
        }
        return value;
    }

    private static Duration requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be a positive duration, was " + d);
        }
        return d;
    }
}
