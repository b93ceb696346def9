package dev.tessera.grid.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.core.partition.OwnershipAssigner;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.membership.MemberId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The under-replicated count (the metric {@code tessera_partitions_underreplicated} and the safe-to-stop probe)
 * counts live owners: right after a crash the applied table still names the dead member until the coordinator
 * replans, and its copies are gone already.
 */
class UnderReplicatedCountTest {
    private static final int PARTITIONS = 271;
    private final MemberId a = MemberId.random();
    private final MemberId b = MemberId.random();
    private final MemberId c = MemberId.random();

    @Test
    void aCrashedOwnerStillInTheTable_countsAsAMissingReplica() {
        PartitionTable t = new PartitionTable(3, new OwnershipAssigner(2).assign(new MemberId[PARTITIONS][], List.of(a, b, c),
                Map.of()), null);
        int ownedByC = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            if (t.owners(p).contains(c)) {
                ownedByC++;
            }
        }

        assertThat(StopSafetyCheck.belowReplicas(t, Set.of(a, b, c), 2)).as("all three alive").isZero();
        assertThat(StopSafetyCheck.belowReplicas(t, Set.of(a, b), 2)).as("c crashed, the table not yet replanned")
                .isEqualTo(ownedByC).isGreaterThan(PARTITIONS / 2);
    }
}
