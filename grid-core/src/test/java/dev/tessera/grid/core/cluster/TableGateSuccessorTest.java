package dev.tessera.grid.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberInfo;
import java.util.List;
import dev.tessera.grid.membership.MemberId;
import org.junit.jupiter.api.Test;

/**
 * Explorer finding (seed 23 of the first in-process run: kill -9 of a member, then a graceful leave of the
 * coordinator): the successor took over and published its table before one member installed the view that makes it
 * coordinator; that member rejected the table and, with nothing else to migrate, was never sent another, so the
 * table never became stable. The rejected table now gets a second chance at the next view, if that view makes its
 * sender coordinator and is not a merge.
 */
class TableGateSuccessorTest {
    private final MemberId m1 = MemberId.random();
    private final MemberId m2 = MemberId.random();
    private final MemberId m4 = MemberId.random();
    private final TopologyState topology = new TopologyState(m4, 2);
    private final RejectionCounter rejections = new RejectionCounter();
    private ClusterView view = view(4, false, m1, m2, m4);
    private final TableGate gate = new TableGate(topology, () -> view, rejections);

    @Test
    void aTableFromTheNextViewsCoordinator_isAppliedOnceThatViewIsInstalled() {
        topology.apply(table(15, m1, m2, m4));
        PartitionTable successors = table(31, m2, m4);

        gate.onTable(m2, successors);
        assertThat(topology.table().version()).as("m1 is still coordinator in this member's view").isEqualTo(15);
        assertThat(rejections.notPermittedCount()).isEqualTo(1);

        view = view(5, false, m2, m4);
        gate.onView(view);
        assertThat(topology.table().version()).isEqualTo(31);
    }

    @Test
    void theSecondChanceNeedsTheSenderAsCoordinator_andNoMerge() {
        topology.apply(table(15, m1, m2, m4));
        gate.onTable(m2, table(31, m2, m4));
        view = view(5, false, m1, m2, m4); // m1 still coordinator
        gate.onView(view);
        assertThat(topology.table().version()).isEqualTo(15);
        view = view(6, false, m2, m4); // the chance was used at view 5
        gate.onView(view);
        assertThat(topology.table().version()).isEqualTo(15);

        gate.onTable(m2, table(40, m2, m4));
        assertThat(topology.table().version()).as("from the coordinator: applied at once").isEqualTo(40);
        view = view(7, false, m1, m2, m4);
        gate.onTable(m2, table(50, m2, m4));
        view = view(8, true, m2, m4);
        gate.onView(view);
        assertThat(topology.table().version()).as("not after a merge view").isEqualTo(40);
    }

    private static ClusterView view(long id, boolean merge, MemberId... members) {
        return new ClusterView(id, java.util.Arrays.stream(members).map(a -> new MemberInfo(a, a.toString(), null)).toList(), merge);
    }

    /** Two partitions, each owned by {@code owners} in order. */
    private static PartitionTable table(long version, MemberId... owners) {
        return new PartitionTable(version, new MemberId[][] {owners, owners}, null);
    }
}
