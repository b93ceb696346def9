package dev.tessera.grid.core.cluster;

import dev.tessera.grid.core.time.TimeSource;
import dev.tessera.grid.core.wire.LeaseMessages.LeaseAck;
import dev.tessera.grid.core.wire.LeaseMessages.LeasePing;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Whether this member may act as primary of CONSISTENT maps now: it holds a lease that every other member of its view
 * renewed recently (ADR 0013). A primary paused or cut off past failure detection, whose partitions the others promoted,
 * finds its lease expired when it runs again, because time passed without renewals, and refuses until it has
 * heard the new view and table; so it never answers from data another primary has overwritten.
 *
 * <p><b>Renewal</b> is a round trip, not a heartbeat: every {@link LeaseTiming#renewNanos()} this member sends each
 * other member of its view a {@link LeasePing} carrying the view id and notes the time {@code t0}. A member acknowledges
 * it only while its own view is that view, and says which table it applied. When every member acknowledged, the view is
 * still the one of the ping, this member's table is at least as new as each acknowledger's and its side holds a quorum,
 * the lease runs until {@code t0 + lease}. Each acknowledger heard from this member after {@code t0}, so its failure
 * detection cannot suspect this member before {@code t0 +} its timeout ({@link LeaseTiming} states the inequality). A
 * one-way heartbeat could not anchor the lease: one queued during a pause and delivered on resume would renew it.
 *
 * <p>A merge view revokes the lease until a table newer than the one held then arrives: the merge may hand this member's
 * partitions to the other side's lineage. A view without quorum revokes it too.
 *
 * <p><b>Cost</b>: {@link #holds()} is a volatile read and one {@link TimeSource#nanoTime()}; renewal sends one small
 * request to each other member per round, off the operation path.
 */
public final class ReadLease {
    private final Messenger messenger;
    private final TopologyState topology;
    private final QuorumTracker quorum;
    private final TimeSource time;
    private final LeaseTiming timing;
    private final LongAdder rounds = new LongAdder();
    private final LongAdder renewals = new LongAdder();
    /** CONSISTENT writes waiting for {@link #confirmQuorum()}; each leaves within a lease (renewed, or timed out). */
    private final ConcurrentLinkedQueue<Confirmation> confirmations = new ConcurrentLinkedQueue<>();
    /** Monotonic nanos until which this member serves CONSISTENT maps; in the past when it holds no lease. */
    private volatile long deadline;
    /** No renewal while the applied table is not newer than this (set by a merge view). */
    private volatile long blockedThroughTable = -1;

    public ReadLease(Messenger messenger, TopologyState topology, QuorumTracker quorum, TimeSource time, LeaseTiming timing) {
        this.messenger = messenger;
        this.topology = topology;
        this.quorum = quorum;
        this.time = time;
        this.timing = timing;
        this.deadline = time.nanoTime();
    }

    /** Whether this member may serve CONSISTENT maps as primary now. The hot path: no allocation, no message. */
    public boolean holds() {
        return time.nanoTime() - deadline < 0;
    }

    public LeaseTiming timing() {
        return timing;
    }

    /**
     * Confirms that this member's side still holds a quorum, for a CONSISTENT write whose copy counted a replica that
     * left the view as done: completes {@code true} once a renewal round <em>started after this call</em> extended the
     * lease, {@code false} if none did within one lease. Such a round's view no longer has the replica that left (views
     * only grow newer), every member of that view answered within it, and the view holds a majority of the last stable
     * membership; a view that is only this member's belief (a minority whose failure detection has not yet dropped the
     * other side, or one the quorum tracker has not been handed yet) renews nothing. Without it a minority primary
     * acknowledged a write that only the minority held (chaos-tests README, PartitionTest 3|2).
     */
    public CompletableFuture<Boolean> confirmQuorum() {
        Confirmation c = new Confirmation(time.nanoTime(), new CompletableFuture<>());
        confirmations.add(c);
        return c.done;
    }

    /** Writes waiting for {@link #confirmQuorum()} (tests read it). */
    public int pendingConfirmations() {
        return confirmations.size();
    }

    /** Starts one renewal round (run every {@link LeaseTiming#renewNanos()}); never throws, or the schedule would stop. */
    public void renew() {
        expireConfirmations();
        try {
            startRound();
        } catch (RuntimeException e) {
            // the channel is closing, or a request could not be sent: this round renews nothing, the next one tries
        }
    }

    private void startRound() {
        ClusterView view = messenger.view();
        if (view == null || !renewable()) {
            return;
        }
        long t0 = time.nanoTime();
        long viewId = view.viewId();
        MemberId self = messenger.self();
        List<MemberId> others = new ArrayList<>(view.size());
        for (MemberId m : view.ids()) {
            if (!m.equals(self)) {
                others.add(m);
            }
        }
        rounds.increment();
        if (others.isEmpty()) {
            extend(t0, viewId);
            return;
        }
        AtomicInteger missing = new AtomicInteger(others.size());
        byte[] ping = new LeasePing(viewId).encode();
        long timeoutMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timing.leaseNanos()));
        for (MemberId m : others) {
            messenger.requestInline(m, ping, timeoutMillis).whenComplete((bytes, error) -> {
                if (error != null) {
                    return; // unreachable or gone: this round renews nothing
                }
                LeaseAck ack = Messages.decode(bytes, LeaseAck.class);
                if (ack.granted() && ack.viewId() == viewId && ack.tableVersion() <= topology.table().version()
                        && missing.decrementAndGet() == 0) {
                    extend(t0, viewId);
                }
            });
        }
    }

    /** The answer to {@code sender}'s ping: granted only while this member's view is the ping's and contains it. */
    public LeaseAck onPing(MemberId sender, LeasePing ping) {
        ClusterView view = messenger.view();
        boolean granted = view != null && view.viewId() == ping.viewId() && view.contains(sender);
        return new LeaseAck(granted, view == null ? -1 : view.viewId(), topology.table().version());
    }

    /** View listener, after the quorum tracker saw the view. */
    public void onView(ClusterView view) {
        if (view.merge()) {
            blockedThroughTable = topology.table().version();
            revoke();
        } else if (!quorum.hasQuorum()) {
            revoke();
        }
    }

    /** Renewal rounds started, since this member started. */
    public long rounds() {
        return rounds.sum();
    }

    /** Rounds that extended the lease, since this member started. */
    public long renewals() {
        return renewals.sum();
    }

    private boolean renewable() {
        return topology.table().version() > blockedThroughTable && quorum.hasQuorum();
    }

    /** Extends the lease from a round started at {@code t0} in view {@code viewId} that every other member acknowledged. */
    private void extend(long t0, long viewId) {
        if (!extendUnderLock(t0, viewId)) {
            return;
        }
        for (Confirmation c : confirmations) { // outside the lock: completing runs the writes' answers
            if (c.after - t0 < 0) { // the round started after the write asked
                if (confirmations.remove(c)) {
                    c.done.complete(true);
                }
            }
        }
    }

    private synchronized boolean extendUnderLock(long t0, long viewId) {
        ClusterView view = messenger.view();
        // the quorum asked of the ping's view itself: the tracker may not have been handed it yet
        if (view == null || view.viewId() != viewId || !renewable() || !quorum.hasQuorumIn(view.ids())) {
            return false;
        }
        long until = t0 + timing.leaseNanos();
        if (until - deadline > 0) {
            deadline = until;
            renewals.increment();
        }
        return true;
    }

    private void expireConfirmations() {
        long now = time.nanoTime();
        for (Confirmation c : confirmations) {
            if (now - c.after - timing.leaseNanos() > 0) {
                if (confirmations.remove(c)) {
                    c.done.complete(false);
                }
            }
        }
    }

    private record Confirmation(long after, CompletableFuture<Boolean> done) {}

    private synchronized void revoke() {
        deadline = time.nanoTime();
    }
}
