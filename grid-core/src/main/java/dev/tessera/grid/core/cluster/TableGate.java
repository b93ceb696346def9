package dev.tessera.grid.core.cluster;

import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.ThrottledWarning;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import dev.tessera.grid.membership.MemberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a partition table another member sent may be applied. A table decides which records this member
 * keeps (the janitor drops the rest), so one accepted forgery wipes data: a table is applied only if it comes from
 * the coordinator of this member's current view, has this member's partition count, is newer than the applied one,
 * names only members of the view as owners and targets, and leaves no partition without an owner while one of its
 * current owners is alive.
 *
 * <p>A table from the coordinator that names a member this member's view does not have yet (its view is behind the
 * coordinator's) is held, the newest one only, and decided again at the next view. Everything else that fails is
 * rejected, counted and logged at a bounded rate. One rejection gets a second chance: a table from a member of the
 * view that is not its coordinator may come from the next view's coordinator (the old one left and its successor
 * took over and published before this member installed the view that says so); the newest such table is decided
 * again, once, at the next view if that view is not a merge and makes its sender coordinator. Otherwise this
 * member would wait, with an old table, for a table that the coordinator has no reason to send again.
 */
public final class TableGate {
    private static final Logger log = LoggerFactory.getLogger(TableGate.class);

    private final TopologyState topology;
    private final Supplier<ClusterView> view;
    private final RejectionCounter rejections;
    private final ThrottledWarning warning = new ThrottledWarning(log, 10, TimeUnit.SECONDS);
    private Held held;
    private Held fromSuccessor;

    public TableGate(TopologyState topology, Supplier<ClusterView> view, RejectionCounter rejections) {
        this.topology = topology;
        this.view = view;
        this.rejections = rejections;
    }

    /** A table update from {@code sender}: applied, held for the next view, or rejected. */
    public synchronized void onTable(MemberId sender, PartitionTable next) {
        decide(sender, next, view.get());
    }

    /** Decides a held table again under the view just installed. */
    public synchronized void onView(ClusterView v) {
        Held s = fromSuccessor;
        fromSuccessor = null;
        if (s != null && !v.merge() && v.coordinator().id().equals(s.sender)) {
            decide(s.sender, s.table, v);
        }
        Held h = held;
        if (h != null) {
            held = null;
            decide(h.sender, h.table, v);
        }
    }

    private void decide(MemberId sender, PartitionTable next, ClusterView v) {
        PartitionTable current = topology.table();
        String problem = problem(sender, next, current, v);
        if (problem != null) {
            rejections.notPermitted();
            warning.warn("Rejected partition table {} from {}: {}", next.version(), sender, problem);
            if (v != null && v.contains(sender) && !v.coordinator().id().equals(sender)
                    && (fromSuccessor == null || fromSuccessor.table.version() < next.version())) {
                fromSuccessor = new Held(sender, next); // maybe the next view's coordinator: see the class comment
            }
            return;
        }
        if (next.version() <= current.version()) {
            return; // stale or repeated: tables are whole states, a newer one was applied already
        }
        List<MemberId> strangers = next.members().stream().filter(a -> !v.contains(a)).toList();
        if (!strangers.isEmpty()) {
            if (held == null || held.table.version() < next.version()) {
                held = new Held(sender, next);
            }
            log.debug("Holding table {} from {} until the view has {}", next.version(), sender, strangers);
            return;
        }
        topology.apply(next);
    }

    /** Why {@code next} must never be applied, or {@code null}. */
    static String problem(MemberId sender, PartitionTable next, PartitionTable current, ClusterView v) {
        if (v == null || !v.contains(sender)) {
            return "the sender is not a member of this member's view";
        }
        if (!v.coordinator().id().equals(sender)) {
            return "the sender is not the coordinator of view " + v.viewId() + " (" + v.coordinator().name() + " is)";
        }
        if (next.partitionCount() != current.partitionCount()) {
            return "it has " + next.partitionCount() + " partitions, this member has " + current.partitionCount();
        }
        for (int p = 0; p < next.partitionCount(); p++) {
            if (next.owners(p).isEmpty() && current.owners(p).stream().anyMatch(v::contains)) {
                return "it leaves partition " + p + " without an owner while its owner " + current.owners(p)
                        + " is alive";
            }
        }
        return null;
    }

    private record Held(MemberId sender, PartitionTable table) {
    }
}
