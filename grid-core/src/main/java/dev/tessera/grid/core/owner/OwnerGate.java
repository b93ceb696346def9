package dev.tessera.grid.core.owner;

import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.cluster.QuorumTracker;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.time.TimeSource;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.Status;

/**
 * The owner side's entry checks, made before an operation reads or changes anything: whether this member
 * may run {@code op} as its partition's primary by the table it has applied. Answers {@link Status#OK}
 * (admitted) or the refusal's status, and builds the refusal's response.
 *
 * <p>An operation from another member whose caller has given up ({@link ClientOp#deadlineMillis()} passed,
 * with {@link #CLOCK_SKEW_MILLIS} of slack) is not run: the transport may deliver a request long after it was
 * sent (it retransmits what a network split dropped once the split heals), and the caller may meanwhile have
 * retried it elsewhere or reported it refused. For the same reason an operation routed with a table older than
 * the last one in which its origin dropped out of our table ({@link TopologyState#departedAt}) is REJECTED: it
 * was sent across a split before the split was seen and is delivered only after the heal, possibly within its
 * deadline but after its caller retried it on its own side (where it was acknowledged, then overwritten).
 */
final class OwnerGate {
    /** Clock skew tolerated between members when checking an operation's deadline. */
    static final long CLOCK_SKEW_MILLIS = 1_000;

    private final TopologyState topology;
    private final QuorumTracker quorum;
    private final TimeSource time;

    OwnerGate(TopologyState topology, QuorumTracker quorum, TimeSource time) {
        this.topology = topology;
        this.quorum = quorum;
        this.time = time;
    }

    /**
     * @param remote whether {@code op} came from another member: then its deadline, its origin's departure and
     *               its table version (not newer than ours: if it is, ours is stale) are checked too
     * @param t      the table this member has applied, read once by the caller
     * @return {@link Status#OK} if admitted, else RETRY, REJECTED, WRONG_OWNER, NO_LEASE or UNAVAILABLE
     */
    Status check(ClientOp op, boolean remote, PartitionTable t) {
        if (remote && time.wallMillis() - CLOCK_SKEW_MILLIS > op.deadlineMillis()) { // no overflow at MAX_VALUE
            return Status.RETRY;
        }
        if (remote && op.origin() != null && op.tableVersion() < topology.departedAt(op.origin())) {
            return Status.REJECTED;
        }
        if ((remote && op.tableVersion() > t.version()) || topology.isFrozen()) {
            return Status.RETRY;
        }
        if (!topology.servesAsPrimary(t, op.partition())) {
            return topology.self().equals(t.primary(op.partition())) ? Status.RETRY : Status.WRONG_OWNER;
        }
        if (op.config().splitBrainMode() == SplitBrainMode.CONSISTENT && !topology.holdsReadLease()) {
            // ADR 0013: another member may serve this partition by now; nothing read or applied
            return quorum.hasQuorum() ? Status.NO_LEASE : Status.UNAVAILABLE;
        }
        return Status.OK;
    }

    /** The response to an operation {@link #check} refused with {@code status}. */
    OpResponse refusal(Status status, ClientOp op, PartitionTable t) {
        if (status == Status.UNAVAILABLE) {
            return new OpResponse(Status.UNAVAILABLE, false, null, 0, t.version(), "Map '" + op.map()
                    + "' is CONSISTENT and this side of the cluster sees only " + quorum.describe()
                    + ": reads and writes are refused until the partition heals");
        }
        return OpResponse.status(status, t.version());
    }
}
