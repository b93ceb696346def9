package dev.tessera.grid.testkit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.PartitionStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link GridInvariants#assertHold}, the check for members a test started itself, passes on a cluster that keeps the
 * invariants and fails naming the invariant once a backup lacks an entry or a member stores an entry of a partition it
 * holds no replica of (both forced here by writing a member's storage directly, as ReplicaAuditTest does).
 */
class GridInvariantsAssertHoldTest {
    private static final MapConfig ONE_BACKUP = MapConfig.builder().backups(1).build();
    private static final Duration SHORT = Duration.ofMillis(300);

    @Test
    void aBackupWithoutOneEntry_failsNamingTheMapsReplicas() {
        try (TestCluster cluster = TestCluster.start(3)) {
            load(cluster.member(0).map("bulk", ONE_BACKUP));
            assertThatCode(() -> GridInvariants.assertHold(cluster.members(), Duration.ofSeconds(30)))
                    .as("a cluster whose backups caught up").doesNotThrowAnyException();

            TesseraGrid backup = cluster.member(1);
            PartitionStore store = backup.storage().get("bulk").partition(partitionAtSlot(backup, 1));
            Bytes victim = store.entries().iterator().next().getKey();
            underReadLock(backup, () -> store.compute(victim, (k, cur) -> null));

            assertThatThrownBy(() -> GridInvariants.assertHold(cluster.members(), SHORT)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("grid invariants broken for 300 ms")
                    .hasMessageContaining("replicas of 'bulk' differ from their primary in 1 partitions");
            cluster.skipInvariants("this test removed a backup's entry on purpose");
        }
    }

    @Test
    void anEntryOnAMemberWithoutAReplicaOfItsPartition_failsNamingTheStrayEntry() {
        try (TestCluster cluster = TestCluster.start(3)) {
            load(cluster.member(0).map("bulk", ONE_BACKUP));
            // three members give every partition three owners; with one backup, the third holds no replica of it
            TesseraGrid third = cluster.member(2);
            int p = partitionAtSlot(third, 2);
            PartitionStore store = third.storage().get("bulk").partition(p);
            byte[] key = "stray".getBytes(StandardCharsets.UTF_8);
            underReadLock(third, () -> store.applyIfNewer(Bytes.wrap(key), new byte[] {1}, 1, 1, 0, 0, 0, false));

            assertThatThrownBy(() -> GridInvariants.assertHold(cluster.members(), SHORT)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining(third.localMember().name() + " stores 1 entries of 'bulk' in p" + p
                            + ", of which it holds no replica");
            cluster.skipInvariants("this test stored an entry outside the member's replicas on purpose");
        }
    }

    @Test
    void badArguments_areRefusedSayingWhatToPass() {
        assertThatThrownBy(() -> GridInvariants.assertHold(List.of(), SHORT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("every running member");
        assertThatThrownBy(() -> GridInvariants.assertHold(List.of(), Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("settle");
    }

    private static int partitionAtSlot(TesseraGrid member, int slot) {
        PartitionTable t = member.topology().table();
        int p = 0;
        while (t.slotOf(p, member.topology().self()) != slot) {
            p++;
        }
        return p;
    }

    private static void underReadLock(TesseraGrid member, Runnable write) {
        long stamp = member.topology().readLock();
        try {
            write.run();
        } finally {
            member.topology().unlockRead(stamp);
        }
    }

    private static void load(GridMap<String, byte[]> map) {
        Map<String, byte[]> batch = new HashMap<>();
        for (int i = 0; i < 2_000; i++) {
            batch.put("key-" + i, new byte[32]);
        }
        map.putAll(batch);
    }
}
