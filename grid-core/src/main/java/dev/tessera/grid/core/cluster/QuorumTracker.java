package dev.tessera.grid.core.cluster;

import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.membership.ClusterView;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import dev.tessera.grid.membership.MemberId;

/**
 * Whether this member's side of the cluster holds a majority of the last stable membership, for
 * maps in {@link dev.tessera.grid.SplitBrainMode#CONSISTENT} mode.
 *
 * <p>The membership becomes stable when a table with no migration names exactly the current view;
 * a new stable membership is only adopted by a side that has a majority of the previous one, so a
 * minority can never promote itself into a majority by rebalancing among its own members.
 */
public final class QuorumTracker {
    private volatile Set<MemberId> stable = Set.of();
    private volatile Set<MemberId> view = Set.of();

    public synchronized void onView(ClusterView v, PartitionTable current) {
        view = Set.copyOf(v.ids());
        considerStable(current);
    }

    /** Table listener. */
    public synchronized void onTable(PartitionTable previous, PartitionTable next) {
        considerStable(next);
    }

    /**
     * A table without migration whose members are all in the view becomes the stable membership. Not only one that
     * names the whole view: a graceful leaver hands its partitions over while still in the view, so the table that
     * no longer names it settles before the view drops it, and the leaver leaves the stable membership with it. A
     * crashed member does not: the view drops it while the table still names it, and it keeps counting against the
     * quorum (a 2-member cluster whose member was stopped gracefully stays available; one whose member crashed or
     * was cut off does not).
     */
    private void considerStable(PartitionTable t) {
        if (t.version() > 0 && t.migratingCount() == 0 && view.containsAll(t.members()) && hasQuorum()) {
            stable = Set.copyOf(t.members());
        }
    }

    public boolean hasQuorum() {
        return hasQuorumIn(view);
    }

    /**
     * Whether {@code members} hold a majority of the last stable membership. For a view the tracker may not have been
     * handed yet: the channel installs a view before its listeners run, so a caller holding a newer view asks with it.
     */
    public boolean hasQuorumIn(Collection<MemberId> members) {
        Set<MemberId> s = stable;
        if (s.isEmpty()) {
            return true;
        }
        Set<MemberId> present = new HashSet<>(s);
        present.retainAll(members);
        return present.size() * 2 > s.size();
    }

    /** For messages: "2 of 5". */
    public String describe() {
        Set<MemberId> s = stable;
        Set<MemberId> present = new HashSet<>(s);
        present.retainAll(view);
        return present.size() + " of the " + s.size() + " members of the last stable membership";
    }
}
