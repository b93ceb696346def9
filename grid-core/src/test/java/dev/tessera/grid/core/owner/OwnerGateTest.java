package dev.tessera.grid.core.owner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.MapConfig;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.cluster.LeaseTiming;
import dev.tessera.grid.core.cluster.QuorumTracker;
import dev.tessera.grid.core.cluster.ReadLease;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.OpCode;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberId;
import dev.tessera.grid.membership.MemberInfo;
import dev.tessera.grid.testkit.ManualTime;
import dev.tessera.grid.testkit.ScriptedMessenger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Each entry check of the owner side, answered as a typed {@link Status} before anything is read or applied. */
class OwnerGateTest {
    private static final int PARTITIONS = 4;
    private static final MapConfig AVAILABLE = MapConfig.builder().build();
    private static final MapConfig CONSISTENT = MapConfig.builder().splitBrainMode(SplitBrainMode.CONSISTENT).build();

    private final MemberId p = MemberId.random();
    private final MemberId q = MemberId.random();
    private final MemberId r = MemberId.random();
    private final ManualTime time = ManualTime.frozen();
    private final TopologyState topology = new TopologyState(p, PARTITIONS);
    private final QuorumTracker quorum = new QuorumTracker();
    private final OwnerGate gate = new OwnerGate(topology, quorum, time);

    @Test
    void admitsAnOperationOfAPartitionThisMemberServes() {
        topology.apply(table(3, p, q));
        assertThat(gate.check(op(q, 3, AVAILABLE, Long.MAX_VALUE), true, topology.table())).isEqualTo(Status.OK);
        assertThat(gate.check(op(null, 3, AVAILABLE, Long.MAX_VALUE), false, topology.table())).isEqualTo(Status.OK);
    }

    @Test
    void aRemoteOperationWhoseCallerGaveUpIsRetriedNotRun() {
        topology.apply(table(3, p, q));
        long now = time.wallMillis();
        long late = now - OwnerGate.CLOCK_SKEW_MILLIS - 1;
        assertThat(gate.check(op(q, 3, AVAILABLE, late), true, topology.table())).isEqualTo(Status.RETRY);
        assertThat(gate.check(op(q, 3, AVAILABLE, now - OwnerGate.CLOCK_SKEW_MILLIS), true, topology.table()))
                .as("within the tolerated clock skew").isEqualTo(Status.OK);
        assertThat(gate.check(op(q, 3, AVAILABLE, late), false, topology.table()))
                .as("a local operation's deadline is its invoker's").isEqualTo(Status.OK);
    }

    @Test
    void anOperationSentBeforeItsOriginDepartedIsRejected() {
        topology.apply(table(2, p, q, r));
        topology.apply(table(5, p, q)); // R on the other side of a split
        assertThat(gate.check(op(r, 2, AVAILABLE, Long.MAX_VALUE), true, topology.table())).isEqualTo(Status.REJECTED);
        assertThat(gate.check(op(r, 5, AVAILABLE, Long.MAX_VALUE), true, topology.table())).isEqualTo(Status.OK);
        assertThat(gate.check(op(q, 2, AVAILABLE, Long.MAX_VALUE), true, topology.table())).isEqualTo(Status.OK);
    }

    @Test
    void aNewerTableThanOursOrAFreezeIsRetried() {
        topology.apply(table(3, p, q));
        assertThat(gate.check(op(q, 4, AVAILABLE, Long.MAX_VALUE), true, topology.table())).isEqualTo(Status.RETRY);
        assertThat(gate.check(op(q, 4, AVAILABLE, Long.MAX_VALUE), false, topology.table()))
                .as("a local operation's table is ours").isEqualTo(Status.OK);
        topology.freezeThrough(3);
        assertThat(gate.check(op(q, 3, AVAILABLE, Long.MAX_VALUE), false, topology.table())).isEqualTo(Status.RETRY);
    }

    @Test
    void anotherMembersPartitionIsWrongOwnerAndOneHeldBackIsRetried() {
        topology.apply(table(3, q, p));
        assertThat(gate.check(op(q, 3, AVAILABLE, Long.MAX_VALUE), true, topology.table())).isEqualTo(Status.WRONG_OWNER);
        topology.apply(table(4, p, q));
        topology.fence(new int[] {0}, 5); // a successor fenced us off up to table 5
        assertThat(gate.check(op(q, 4, AVAILABLE, Long.MAX_VALUE), true, topology.table())).isEqualTo(Status.RETRY);
        assertThat(gate.refusal(Status.WRONG_OWNER, op(q, 4, AVAILABLE, Long.MAX_VALUE), topology.table()))
                .isEqualTo(OpResponse.status(Status.WRONG_OWNER, 4));
    }

    @Test
    void aConsistentMapWithoutTheReadLeaseIsNoLeaseWithAQuorumAndUnavailableWithout() {
        PartitionTable t = table(3, p, q, r);
        ScriptedMessenger messenger = new ScriptedMessenger(p, () -> view(p, q, r), (to, m) -> new CompletableFuture<>());
        TopologyState leased = new TopologyState(p, PARTITIONS,
                ts -> new ReadLease(messenger, ts, quorum, time, LeaseTiming.forFailureDetection(Duration.ofSeconds(2))));
        leased.apply(t);
        OwnerGate gate = new OwnerGate(leased, quorum, time);
        quorum.onView(view(p, q, r), t);
        assertThat(gate.check(op(q, 3, AVAILABLE, Long.MAX_VALUE), true, t)).as("the lease is for CONSISTENT maps").isEqualTo(Status.OK);
        assertThat(gate.check(op(q, 3, CONSISTENT, Long.MAX_VALUE), true, t)).isEqualTo(Status.NO_LEASE);

        quorum.onView(view(p), t); // Q and R cut off
        assertThat(gate.check(op(q, 3, CONSISTENT, Long.MAX_VALUE), true, t)).isEqualTo(Status.UNAVAILABLE);
        OpResponse refusal = gate.refusal(Status.UNAVAILABLE, op(q, 3, CONSISTENT, Long.MAX_VALUE), t);
        assertThat(refusal.status()).isEqualTo(Status.UNAVAILABLE);
        assertThat(refusal.mayHaveBeenApplied()).isFalse();
        assertThat(refusal.error()).contains("Map 'm' is CONSISTENT", "1 of the 3 members");
    }

    private static ClientOp op(MemberId origin, long tableVersion, MapConfig config, long deadlineMillis) {
        return new ClientOp(tableVersion, "m", config, 0, OpCode.SET, "k".getBytes(StandardCharsets.UTF_8),
                "v".getBytes(StandardCharsets.UTF_8), null, 0, deadlineMillis, origin);
    }

    private static ClusterView view(MemberId... members) {
        return new ClusterView(1, java.util.Arrays.stream(members).map(m -> new MemberInfo(m, String.valueOf(m), null)).toList(),
                false);
    }

    /** Every partition owned by {@code owners} in that order. */
    static PartitionTable table(long version, MemberId... owners) {
        MemberId[][] rows = new MemberId[PARTITIONS][];
        for (int i = 0; i < PARTITIONS; i++) {
            rows[i] = owners.clone();
        }
        return new PartitionTable(version, rows, null);
    }

}
