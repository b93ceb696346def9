package dev.tessera.grid.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.core.partition.OwnershipAssigner;
import dev.tessera.grid.core.partition.PartitionTable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.tessera.grid.membership.MemberId;
import org.junit.jupiter.api.Test;

/**
 * Two members of five die in two quick views, with maps of 2 backups: every partition whose three
 * replicas included both must come through on its third replica, which the first view cut from the
 * owner list (it lacks the 1-backup maps' data for slot 1) but which still holds the 2-backup data.
 */
class DepartedOwnersTest {
    private static final int PARTITIONS = 271;
    private final MemberId a = MemberId.random();
    private final MemberId b = MemberId.random();
    private final MemberId c = MemberId.random();
    private final MemberId d = MemberId.random();
    private final MemberId e = MemberId.random();
    private final OwnershipAssigner assigner = new OwnershipAssigner(3);

    @Test
    void secondDeathInAQuickSecondView_promotesTheCutThirdReplica_notAnEmptyMember() {
        PartitionTable t1 = new PartitionTable(5, assigner.assign(new MemberId[PARTITIONS][], List.of(a, b, c, d, e), Map.of()), null);

        // view 1: A is gone
        PartitionTable t2 = next(t1, Set.of(a), List.of(b, c, d, e));
        int aPrimaryBSecond = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            if (t1.primary(p).equals(a)) {
                assertThat(t2.owners(p)).as("the slot-1 owner is promoted, the slot-2 owner cut").containsExactly(t1.owners(p).get(1));
                assertThat(t2.target(p)).as("the cut owner still holds data: the target keeps it").contains(t1.owners(p).get(2));
                if (t1.owners(p).get(1).equals(b)) {
                    aPrimaryBSecond++;
                }
            }
        }
        assertThat(aPrimaryBSecond).as("partitions whose first two replicas were A then B").isGreaterThan(5);

        // view 2, before any migration finished: B is gone too
        PartitionTable cut = Coordinator.withoutDeparted(t2, Set.of(b));
        int kept = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            List<MemberId> before = t1.owners(p);
            if (before.get(0).equals(a) && before.get(1).equals(b)) {
                assertThat(cut.owners(p)).as("partition %d: its third replica becomes primary", p).containsExactly(before.get(2));
                kept++;
            }
            assertThat(cut.owners(p)).as("partition %d lost no more than 2 of its 3 replicas", p).isNotEmpty();
        }
        assertThat(kept).isEqualTo(aPrimaryBSecond);
    }

    @Test
    void aPartitionWhoseOwnersAndTargetsAllLeftHasNoOwner() {
        MemberId[][] owners = new MemberId[PARTITIONS][];
        MemberId[][] targets = new MemberId[PARTITIONS][];
        for (int p = 0; p < PARTITIONS; p++) {
            owners[p] = new MemberId[] {a};
            targets[p] = p == 0 ? new MemberId[] {a, b} : null;
        }
        PartitionTable t = new PartitionTable(3, owners, targets);
        assertThat(Coordinator.withoutDeparted(t, Set.of(a)).owners(0)).containsExactly(b);
        assertThat(Coordinator.withoutDeparted(t, Set.of(a)).owners(1)).isEmpty();
        assertThat(Coordinator.withoutDeparted(t, Set.of(a, b)).owners(0)).isEmpty();
    }

    /** What the coordinator publishes after a view without {@code gone}: cut owners, targets from the holders. */
    private PartitionTable next(PartitionTable base, Set<MemberId> gone, List<MemberId> staying) {
        PartitionTable current = Coordinator.withoutDeparted(base, gone);
        MemberId[][] target = Coordinator.assignAfterDeparture(assigner, base, current, gone, staying, Map.of());
        MemberId[][] owners = new MemberId[PARTITIONS][];
        MemberId[][] targets = new MemberId[PARTITIONS][];
        for (int p = 0; p < PARTITIONS; p++) {
            owners[p] = current.owners(p).toArray(MemberId[]::new);
            targets[p] = Arrays.equals(owners[p], target[p]) ? null : target[p];
        }
        return new PartitionTable(base.version() + 1, owners, targets);
    }
}
