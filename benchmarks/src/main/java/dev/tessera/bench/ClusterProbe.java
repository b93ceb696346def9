package dev.tessera.bench;

import java.util.List;
import java.util.function.Consumer;

/** What the rebalance test reads from member 1 about the cluster. Not used on the measured path. */
public interface ClusterProbe {

    int partitionCount();

    /** The partition of a key of the map {@code bench}. */
    int partitionOf(String key);

    /** Names of the current members ("m1".."m4"), oldest first. */
    List<String> memberNames();

    /**
     * Per partition, the names of the members holding its data: the primary first, then the first
     * {@code backups} backups ({@code null} where a replica is missing).
     */
    String[][] replicas(int backups);

    /** Whether a migration is in progress as far as this member (the master/coordinator) knows. */
    boolean migrating();

    /** Partitions (Tessera) or migration tasks (Hazelcast) still to migrate, for the timeline log. */
    int pendingMigrations();

    /** Whether every backup replica is in sync (Hazelcast: {@code isClusterSafe()}); may be costly. */
    boolean replicasInSync();

    /** Changes whenever the partition table changes. */
    long stateStamp();

    /** Migration events seen so far (0 where the store has no such events). */
    long migrationEvents();

    /** Called with the member's name when a member joins. */
    void onMemberJoined(Consumer<String> listener);
}
