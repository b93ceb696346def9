package dev.tessera.grid.testkit;

import static org.awaitility.Awaitility.await;

import dev.tessera.grid.Grid;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.core.drill.ReplicaAudit;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.membership.MemberId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The grid's invariants over the live members of a {@link TestCluster}, checked when it closes (unless the test
 * said why not, {@link TestCluster#skipInvariants}), or over members a test started itself ({@link #assertHold}:
 * Spring contexts, members over TCP): once the table is stable (every member applied the same
 * version, nothing migrates, it names exactly the live members and gives every partition min(N, 7) owners),
 * <ol>
 *   <li>every partition has one primary, a live member, and it serves the partition (no fence or pending handover
 *       holds it back);</li>
 *   <li>full redundancy: every replica of every map holds exactly its primary's entries (count and digest per
 *       partition, {@link ReplicaAudit});</li>
 *   <li>no member stores entries of a partition it holds no replica of (for that map's backups).</li>
 * </ol>
 * After the members of a {@link TestCluster} stopped, none of the threads they started ({@code tessera-<member>-...})
 * is still alive.
 */
public final class GridInvariants {
    static final Duration SETTLE = Duration.ofSeconds(30);

    private GridInvariants() {}

    /** Fails with the broken invariants named, after waiting up to {@code settle} for the cluster to settle. */
    static void check(TestCluster cluster, Duration settle) {
        // members a test closed itself (not through the kit) are gone like members that left
        List<TesseraGrid> live = cluster.members().stream().filter(TesseraGrid::isRunning).toList();
        if (live.isEmpty()) {
            return;
        }
        awaitHolding(live, settle,
                " (a test that ends split or with a paused member calls TestCluster.skipInvariants(reason))");
    }

    /**
     * Checks the invariants above over {@code members}, members of one cluster that a test started itself (not through
     * a {@link TestCluster}), waiting up to {@code settle} for them to hold. Pass every running member of the cluster:
     * the table is stable only when it names exactly them and each sees a view of them all. Call it after the test
     * wrote to a map with backups, so that the replicas it compares hold data.
     *
     * @param members every running member of one cluster, each a {@link TesseraGrid} (what {@code Grid.builder()}
     *                starts)
     * @param settle  how long the invariants may take to hold (migrations and replication to finish)
     * @throws IllegalArgumentException if {@code members} is empty, one is not a {@link TesseraGrid} or not running,
     *                                  or {@code settle} is negative
     * @throws AssertionError           naming the broken invariants (the first few) if they do not all hold within
     *                                  {@code settle}
     */
    public static void assertHold(List<? extends Grid> members, Duration settle) {
        if (settle.isNegative()) {
            throw new IllegalArgumentException("settle must not be negative, was " + settle);
        }
        if (members.isEmpty()) {
            throw new IllegalArgumentException("no members to check: pass every running member of the cluster");
        }
        List<TesseraGrid> live = new ArrayList<>();
        for (Grid g : members) {
            if (!(g instanceof TesseraGrid t)) {
                throw new IllegalArgumentException("not a member started by Grid.builder(): " + g);
            }
            if (!t.isRunning()) {
                throw new IllegalArgumentException(t.localMember().name() + " is not running: pass the running members only");
            }
            live.add(t);
        }
        awaitHolding(List.copyOf(live), settle, "");
    }

    private static void awaitHolding(List<TesseraGrid> live, Duration settle, String hint) {
        AtomicReference<List<String>> last = new AtomicReference<>(List.of()); // written by Awaitility's poll thread
        try {
            await("grid invariants").atMost(settle).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        last.set(violations(live));
                        return last.get().isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("grid invariants broken for " + settle.toMillis() + " ms: " + last.get() + hint, e);
        }
    }

    /** Every broken invariant now (the first few), or none. One pass over every map's partitions on every member. */
    private static List<String> violations(List<TesseraGrid> live) {
        if (!TestCluster.isStable(live)) {
            return List.of("the table is not stable: " + describe(live));
        }
        List<String> out = new ArrayList<>();
        PartitionTable table = live.get(0).topology().table();
        Set<MemberId> members = live.stream().map(g -> g.topology().self()).collect(Collectors.toSet());
        for (int p = 0; p < table.partitionCount(); p++) {
            List<MemberId> owners = table.owners(p);
            if (owners.isEmpty() || !members.contains(owners.get(0))) {
                out.add("partition " + p + " has no live primary: " + owners);
            }
        }
        out.addAll(heldBack(live));
        Map<String, Integer> maps = new TreeMap<>(); // name -> the most replicas any member configured
        for (TesseraGrid g : live) {
            for (MapContainer c : g.storage().all()) {
                maps.merge(c.name(), c.replicas(), Math::max);
            }
        }
        for (Map.Entry<String, Integer> m : maps.entrySet()) {
            if (out.size() >= 10) {
                break;
            }
            Map<Integer, String> differ = Replicas.mismatches(live, m.getKey(), m.getValue() - 1);
            if (!differ.isEmpty()) {
                out.add("replicas of '" + m.getKey() + "' differ from their primary in " + differ.size() + " partitions, e.g. "
                        + differ.entrySet().iterator().next());
            }
            out.addAll(strayEntries(live, m.getKey(), m.getValue()));
        }
        return out;
    }

    /** Partitions whose primary does not serve them: a successor's fence, or a handover it still waits for. */
    private static List<String> heldBack(List<TesseraGrid> live) {
        List<String> out = new ArrayList<>();
        for (TesseraGrid g : live) {
            PartitionTable t = g.topology().table();
            for (int p = 0; p < t.partitionCount() && out.size() < 3; p++) {
                if (g.topology().isHeldBack(t, p)) {
                    MemberId from = g.topology().awaitedHandover(p);
                    out.add(g.localMember().name() + " is primary of p" + p + " but does not serve it ("
                            + (from != null ? "awaits the handover of " + from : "fenced") + ")");
                }
            }
        }
        return out;
    }

    /** Entries of {@code map} on a member whose table gives it no replica slot of their partition. */
    private static List<String> strayEntries(List<TesseraGrid> live, String map, int replicas) {
        List<String> out = new ArrayList<>();
        for (TesseraGrid g : live) {
            PartitionTable t = g.topology().table();
            MapContainer c = g.storage().get(map);
            if (c == null) {
                continue;
            }
            for (int p = 0; p < t.partitionCount() && out.size() < 3; p++) {
                int slot = t.slotOf(p, g.topology().self());
                if ((slot < 0 || slot >= replicas) && c.peek(p).liveCount() > 0) {
                    out.add(g.localMember().name() + " stores " + c.peek(p).liveCount() + " entries of '" + map + "' in p" + p
                            + ", of which it holds no replica");
                }
            }
        }
        return out;
    }

    private static String describe(List<TesseraGrid> live) {
        List<String> out = new ArrayList<>();
        for (TesseraGrid g : live) {
            PartitionTable t = g.topology().table();
            out.add(g.localMember().name() + ": table v" + t.version() + ", " + t.migratingCount() + " migrating, view "
                    + g.members().size());
        }
        return out.toString();
    }
}
