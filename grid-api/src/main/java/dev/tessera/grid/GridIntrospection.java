package dev.tessera.grid;

import java.util.List;
import java.util.Map;

/**
 * Read-only view of this member's knowledge of the cluster: the partition table it has applied,
 * migrations in progress and what it stores. For tools, dashboards and tests; values are snapshots.
 */
public interface GridIntrospection {

    /** The partition table this member applied most recently. */
    PartitionTableView partitionTable();

    /** Partitions whose ownership is changing, as this member knows them. */
    List<MigrationView> migrations();

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
     * @param partitions one entry per partition, in partition order
     */
    record PartitionTableView(long version, List<PartitionView> partitions) {
        public PartitionTableView {
            partitions = List.copyOf(partitions);
        }
    }

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
