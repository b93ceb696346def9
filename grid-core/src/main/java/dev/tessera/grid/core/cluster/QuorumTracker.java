package dev.tessera.grid.core.cluster;

import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.membership.ClusterView;
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

    private void considerStable(PartitionTable t) {
        if (t.version() > 0 && t.migratingCount() == 0 && t.members().equals(view) && hasQuorum()) {
            stable = Set.copyOf(t.members());
        }
    }

    public boolean hasQuorum() {
        Set<MemberId> s = stable;
        if (s.isEmpty()) {
            return true;
        }
        Set<MemberId> present = new HashSet<>(s);
        present.retainAll(view);
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
