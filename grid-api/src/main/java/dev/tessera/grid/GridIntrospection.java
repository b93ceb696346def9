package dev.tessera.grid;

import java.util.List;
import java.util.Map;

/**
 * Read-only view of this member's knowledge of the cluster: the partition table it has applied,
 * migrations in progress and what it stores. For tools, dashboards and tests; values are snapshots.
 */
public interface GridIntrospection {

    /** The name of the cluster this member belongs to ({@link GridBuilder#clusterName(String)}). */
    String clusterName();

    /** The partition table this member applied most recently. */
    PartitionTableView partitionTable();

    /**
     * The number of the membership view this member applied most recently ({@link Grid#members()} is that view, its
     * coordinator first). Grows with every view change within one cluster; after a split both sides may reuse a
     * number, and the merged view is numbered above both.
     */
    long viewId();

    /** Partitions whose ownership is changing, as this member knows them. */
    List<MigrationView> migrations();

    /**
     * How far the partition migrations under way (a join, a leave, rebuilding backups) have come, as this member
     * knows them: partitions from the tables it applied (the same figures on every member that applied the same
     * tables), bytes from its own part as a source. A snapshot; never throws.
     */
    MigrationProgress migrationProgress();

    /** Per map name: what this member stores. */
    Map<String, MapStats> localMapStats();

    /**
     * What this member refused at its trust boundary since it started, counted by reason. Every refused message was
     * dropped before it reached a store; none of them changed data.
     */
    RejectedMessages rejectedMessages();

    /** Per near-cached map name: this member's near cache. */
    Map<String, NearCacheStats> nearCacheStats();

    /**
     * Members this member refused since it started because they could not read its data (other registered
     * types, partition count or wire-format version; see {@link GridIncompatibleMemberException}). A refused
     * member gets no partitions and none of its messages are applied; each is counted once.
     */
    long refusedMembers();

    /**
     * Whether stopping this member now would leave any partition with fewer replicas than its maps are configured
     * for. Several maps share each partition's replica list (a map with {@code b} backups uses its first
     * {@code 1 + b} slots), so a partition needs as many replicas as the map with the most backups (synchronous plus
     * asynchronous) among the maps this member holds or has opened. A snapshot: the answer is only as fresh as the
     * table and view this member applied, and another member stopping at the same time is not foreseen.
     * "Stopping" means a graceful stop ({@link Grid#close()}, SIGTERM), which hands the member's partitions over;
     * a crash of a member of a map without backups loses that map's entries on it whatever this says.
     *
     * @throws IllegalStateException if this member is closed or closing (a closing member is not safe to stop twice)
     */
    StopSafety stopSafety();

    /**
     * The answer of {@link #stopSafety()}.
     *
     * @param safe                    {@code true} if none of the reasons below applies: every partition holds its
     *                                required replicas now (so even a crash of this member loses no acknowledged
     *                                write), no partition is migrating (no other member is joining or handing over),
     *                                and the members that stay can hold every required replica
     * @param requiredReplicas        1 + the largest {@code backups + asyncBackups} of the maps on this member
     *                                (0 if it has none: there is nothing to keep a copy of)
     * @param members                 members of this member's view
     * @param partitionsBelowReplicas partitions whose live owners in the applied table are fewer than
     *                                {@code min(requiredReplicas, members)}: redundancy is still being rebuilt
     * @param migratingPartitions     partitions whose ownership is changing (a join, a leave, a rebalance)
     * @param reasons                 why it is not safe, one sentence each; empty when {@code safe}
     */
    record StopSafety(boolean safe, int requiredReplicas, int members, int partitionsBelowReplicas,
                      int migratingPartitions, List<String> reasons) {
        public StopSafety {
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * Per map name: the operations this member's application threads completed on the map since the map was
     * created on this member (a destroyed and re-created map starts again at 0). Counting is always on and costs an
     * uncontended increment per operation.
     */
    Map<String, MapOperations> mapOperations();

    /** Per map name with a {@link MapStore} bound on this member: what the store did for this member. */
    Map<String, MapStoreStats> mapStoreStats();

    /** Retries and timeouts of the map operations this member issued, since it started. */
    OperationStats operationStats();

    /** Partitions of the applied table that this member owns, as primary and as backup. */
    Ownership ownership();

    /**
     * Partitions of the applied table with fewer live replicas than the maps on this member need: fewer owners in
     * this member's view than the largest {@code 1 + backups + asyncBackups} of any map held or opened here, or than
     * the view's members if there are fewer of them. An owner that crashed counts as missing at once, although the
     * table names it until the coordinator replans. 0 when every partition has its full set of backups (or no map is
     * stored here). Also {@link StopSafety#partitionsBelowReplicas()}.
     */
    int underReplicatedPartitions();

    /** How many maps this member holds now, and the most it may hold ({@link GridBuilder#maxMaps(int)}). */
    MapCount mapCount();

    /**
     * Times every map operation counted by {@link #mapOperations()} and reports it to {@code timer} until the
     * returned registration is closed. While no timer is registered, operations are not timed at all; with one,
     * each costs two {@link System#nanoTime()} calls and the timer's own work, on the application thread.
     *
     * @throws NullPointerException if {@code timer} is null
     */
    Registration timeOperations(OperationTimer timer);

    /** A kind of map operation, as {@link #mapOperations()} counts and {@link OperationTimer} receives it. */
    enum MapOperation {
        /** A get (also getAsync, containsKey, each key of getAll) that found a value. */
        GET_HIT,
        /** A get that found no value. */
        GET_MISS,
        /**
         * A write of a value: put, set, putIfAbsent, replace (with their async forms), each entry of putAll (timed
         * with an equal share of the call).
         */
        PUT,
        /** A removal: remove, delete, remove(key, value) and their async forms. */
        REMOVE
    }

    /**
     * Receives the duration of each completed map operation (see {@link #timeOperations}). Called on the thread that
     * completed the operation, which may be a grid thread: it must be fast and must not block. An exception it throws
     * is ignored.
     */
    @FunctionalInterface
    interface OperationTimer {
        /**
         * @param map       the map's name
         * @param operation what completed
         * @param nanos     from the call until its result was available, in nanoseconds
         */
        void record(String map, MapOperation operation, long nanos);
    }

    /**
     * Completed operations of one map on this member (failed ones are not counted).
     *
     * @param getHits   gets that found a value
     * @param getMisses gets that found none
     * @param puts      writes of a value
     * @param removes   removals
     */
    record MapOperations(long getHits, long getMisses, long puts, long removes) {
        /** All gets. */
        public long gets() {
            return getHits + getMisses;
        }
    }

    /**
     * One map's {@link MapStore} on this member.
     *
     * @param loads            calls of {@link MapStore#load} this member made as a primary reading through
     * @param writeBehindQueue changes waiting on this member to be written to the store (0 for write-through)
     * @param failures         store calls (load, store, delete and their batch forms) that threw
     */
    record MapStoreStats(long loads, long writeBehindQueue, long failures) {}

    /**
     * @param retries      attempts repeated because ownership was moving (the primary changed, left or lagged a table)
     * @param timeouts     operations that failed with {@link GridTimeoutException}
     * @param messagesSent messages this member sent to other members since it started (requests, replica copies,
     *                     notices): what its operations cost the network
     */
    record OperationStats(long retries, long timeouts, long messagesSent) {}

    /**
     * @param primaries partitions of which this member is the primary
     * @param backups   partitions of which this member holds a backup replica that a map here uses: a slot within
     *                  the largest {@code backups + asyncBackups} of the maps on this member (not every slot of the
     *                  table, which lists more members than maps with few backups use)
     * @param replicas  that largest number of replicas, primary included ({@code 1 + backups + asyncBackups} of
     *                  the map here that keeps most; 1 with no map): the slots of a partition's owners in use
     */
    record Ownership(int primaries, int backups, int replicas) {}

    /**
     * @param maps  maps this member holds now, created locally or by other members' messages
     * @param limit the most it may hold ({@link GridBuilder#maxMaps(int)})
     */
    record MapCount(int maps, int limit) {}

    /** One partition's owners. */
    record PartitionView(int partition, Member primary, List<Member> backups) {
        public PartitionView {
            backups = List.copyOf(backups);
        }
    }

    /**
     * A version of the partition table.
     *
     * @param version    monotonically increasing; every member applies versions in order
     * @param members    the members the table was computed for (once the table is stable, the view's members)
     * @param partitions one entry per partition, in partition order
     */
    record PartitionTableView(long version, List<Member> members, List<PartitionView> partitions) {
        public PartitionTableView {
            members = List.copyOf(members);
            partitions = List.copyOf(partitions);
        }
    }

    /**
     * Progress of the current round of migrations: from the first applied table with migrations after one without,
     * to the first table without any. Guarantees: {@code partitionsRemaining} is exactly the applied table's
     * migrating partitions (0 means no migration is under way); {@code bytesInFlight} never exceeds
     * {@code budgetBytes} unless a single chunk is larger than the budget (it is then sent alone), and neither does
     * {@code bytesBuffered}. {@code bytesRemaining} and {@code eta} are estimates.
     *
     * @param partitionsDone          partitions that stopped migrating in this round (committed to their targets, or
     *                                their migration dropped because a member left); 0 between rounds
     * @param partitionsRemaining     partitions migrating in the applied table, cluster-wide
     * @param bytesDone               migration bytes this member sent as a source in this round and its targets
     *                                acknowledged (encoded chunk bytes)
     * @param bytesRemaining          estimated bytes this member still has to send as a source: the partitions it
     *                                copies now or has queued, less what their targets acknowledged
     * @param eta                     estimated time until no partition migrates, at this round's pace so far (by
     *                                partitions done and by this member's bytes, whichever is longer);
     *                                {@link java.time.Duration#ZERO} when nothing migrates, {@code null} while
     *                                nothing has progressed yet to estimate from
     * @param bytesInFlight           bytes this member sent as a source that are not acknowledged yet
     * @param bytesBuffered           bytes this member holds as a target because they arrived before the table that
     *                                asks for them
     * @param budgetBytes             the bound on each of the two above ({@link GridBuilder#migrationBudget(long)})
     * @param rateLimitBytesPerSecond this member's send rate limit as a source; 0 for none
     *                                ({@link GridBuilder#migrationRateLimit(long)})
     */
    record MigrationProgress(int partitionsDone, int partitionsRemaining, long bytesDone, long bytesRemaining,
                             java.time.Duration eta, long bytesInFlight, long bytesBuffered, long budgetBytes,
                             long rateLimitBytesPerSecond) {}

    /** A partition whose owners are changing from {@code from} to {@code to}. */
    record MigrationView(int partition, List<Member> from, List<Member> to) {
        public MigrationView {
            from = List.copyOf(from);
            to = List.copyOf(to);
        }
    }

    /**
     * What this member stores of one map.
     *
     * @param primaryEntries entries in partitions this member is primary of
     * @param backupEntries  entries in partitions this member holds a backup of
     * @param bytes          serialized key and value bytes of all of them
     * @param heapCostBytes  estimated heap cost of the primary entries (what {@link EvictionConfig#maxBytesPerMember()} bounds)
     * @param evictions      entries this member evicted as primary since it started
     * @param expirations    entries this member expired as primary since it started
     */
    /**
     * Messages this member refused.
     *
     * @param fromNonMembers frames from a sender that is not a member of this member's view (dropped unanswered)
     * @param malformed      messages from members that could not be decoded
     * @param notPermitted   well-formed messages their sender may not send: a partition table not from the view's
     *                       coordinator or one that would strand data, a leave request for another member, a
     *                       migration notice from a member that holds no replica
     */
    record RejectedMessages(long fromNonMembers, long malformed, long notPermitted) {
        /** All refused messages. */
        public long total() {
            return fromNonMembers + malformed + notPermitted;
        }
    }

    record MapStats(long primaryEntries, long backupEntries, long bytes, long heapCostBytes, long evictions,
                    long expirations) {}

    /**
     * One map's near cache on this member.
     *
     * @param entries       values cached now
     * @param hits          reads served from the cache
     * @param misses        reads of remote keys that went to the primary
     * @param invalidations entries dropped because their primary changed them
     */
    record NearCacheStats(long entries, long hits, long misses, long invalidations) {
        /** hits / (hits + misses), or 0 before any read. */
        public double hitRatio() {
            long reads = hits + misses;
            return reads == 0 ? 0 : (double) hits / reads;
        }
    }
}
