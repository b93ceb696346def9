package dev.tessera.grid.testkit;

import static org.awaitility.Awaitility.await;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridBuilder;
import dev.tessera.grid.GridConfig;
import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.Transport;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.core.drill.FailureDrills;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.testkit.channel.MemberThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import dev.tessera.grid.membership.MemberId;

/**
 * N members in this JVM on JGroups' SHARED_LOOPBACK, in a cluster of their own (unique name), with the fault API
 * every kind of cluster shares ({@link ClusterFaults}: {@link #crash}, {@link #leave}, {@link #split}, {@link #isolate},
 * {@link #heal}, by member or by index into {@link #members()}; all through the members' {@link FailureDrills}) and a
 * wait until the partition table is stable. No pause: see {@link PausableFaults} for why an in-process member cannot
 * be paused honestly. Close it (try-with-resources or
 * {@code @AfterEach}): that checks the grid's invariants over the members still running ({@link GridInvariants}:
 * stable table, one live primary per partition, every replica equal to its primary, no entries outside a member's
 * replicas), stops every member it started and checks that none of their threads outlive them. A test that ends in
 * a state the invariants cannot hold in (a split it does not heal) says so with {@link #skipInvariants}.
 * {@link GridInvariantsExtension} checks them after every test, before the test's own clean-up.
 */
public final class TestCluster implements AutoCloseable, ClusterFaults<TesseraGrid> {
    public static final Duration STABLE_TIMEOUT = Duration.ofSeconds(60);
    /** Clusters of this JVM not closed yet, for {@link GridInvariantsExtension}; numbered in creation order. */
    private static final Set<TestCluster> OPEN = ConcurrentHashMap.newKeySet();
    private static final AtomicLong CREATED = new AtomicLong();

    private final long serial = CREATED.incrementAndGet();
    private volatile boolean closed;

    private final String name = "test-" + UUID.randomUUID();
    private final List<TesseraGrid> members = new ArrayList<>();
    private final Consumer<GridBuilder> customizer;
    private final ManualTime time = ManualTime.running();
    private final Set<Thread> memberThreads = new HashSet<>();
    private String skipInvariants;
    private int started;

    private TestCluster(Consumer<GridBuilder> customizer) {
        this.customizer = customizer;
        OPEN.add(this);
    }

    /** How many clusters this JVM created so far. */
    static long created() {
        return CREATED.get();
    }

    /** The clusters not closed yet that were created after the first {@code count}, in creation order. */
    static List<TestCluster> openCreatedAfter(long count) {
        return OPEN.stream().filter(c -> c.serial > count).sorted(Comparator.comparingLong(c -> c.serial)).toList();
    }

    /** Whether {@link #skipInvariants} was called. */
    boolean invariantsSkipped() {
        return skipInvariants != null;
    }

    /** Starts {@code n} members, one after the other, and waits until the table is stable. */
    public static TestCluster start(int n) {
        return start(n, b -> {});
    }

    public static TestCluster start(int n, Consumer<GridBuilder> customizer) {
        TestCluster c = new TestCluster(customizer);
        try {
            for (int i = 0; i < n; i++) {
                c.addMember();
            }
            c.awaitStable();
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    public GridBuilder builder() {
        GridBuilder b = Grid.builder()
                .clusterName(name)
                .memberName("m" + (++started))
                .transport(Transport.inProcess())
                .failureDetectionTimeout(Duration.ofSeconds(2))
                .operationTimeout(Duration.ofSeconds(20));
        customizer.accept(b);
        return b;
    }

    /** The time every member of this cluster reads: a test moves it forward instead of waiting. */
    public ManualTime time() {
        return time;
    }

    /** Starts one more member (does not wait for rebalancing). */
    public TesseraGrid addMember() {
        GridConfig config = builder().build();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        TesseraGrid g = TesseraGrid.start(config, time);
        Set<Thread> started = MemberThreads.startedBy(config.memberName(), before);
        synchronized (members) {
            members.add(g);
            memberThreads.addAll(started);
        }
        return g;
    }

    public TesseraGrid member(int i) {
        synchronized (members) {
            return members.get(i);
        }
    }

    public List<TesseraGrid> members() {
        synchronized (members) {
            return List.copyOf(members);
        }
    }

    public int size() {
        return members().size();
    }

    /** Simulates kill -9 of {@code member}: no goodbye, the others detect it. */
    @Override
    public void crash(TesseraGrid member) {
        crash(indexOf(member));
    }

    /** Graceful leave of {@code member}: returns after it handed over its partitions. */
    @Override
    public void leave(TesseraGrid member) {
        leave(indexOf(member));
    }

    @Override
    public void isolate(TesseraGrid member, Collection<TesseraGrid> from) {
        Set<String> ids = new HashSet<>();
        from.forEach(f -> ids.add(f.localMember().id()));
        FailureDrills.of(member).isolateFrom(ids);
    }

    @Override
    public void split(List<? extends Collection<TesseraGrid>> sides) {
        for (Collection<TesseraGrid> side : sides) {
            List<TesseraGrid> others = new ArrayList<>();
            for (Collection<TesseraGrid> other : sides) {
                if (other != side) {
                    others.addAll(other);
                }
            }
            side.forEach(g -> isolate(g, others));
        }
    }

    private int indexOf(TesseraGrid member) {
        synchronized (members) {
            int i = members.indexOf(member);
            if (i < 0) {
                throw new IllegalArgumentException(member.localMember().name() + " is not a running member of this cluster");
            }
            return i;
        }
    }

    /** Simulates kill -9 of member {@code i}: no goodbye, the others detect it. */
    public TesseraGrid crash(int i) {
        TesseraGrid g;
        synchronized (members) {
            g = members.remove(i);
        }
        FailureDrills.of(g).crash();
        return g;
    }

    /** Graceful leave of member {@code i}: returns after it handed over its partitions. */
    public void leave(int i) {
        TesseraGrid g;
        synchronized (members) {
            g = members.remove(i);
        }
        g.close();
    }

    /**
     * Cuts the members into sides: each drops all traffic to and from every member of the other sides (indexes into
     * {@link #members()}; a member on no side keeps talking to everyone). Until {@link #heal()}.
     */
    @SafeVarargs
    public final void split(Set<Integer>... sides) {
        List<TesseraGrid> live = members();
        for (Set<Integer> side : sides) {
            Set<String> others = new HashSet<>();
            for (Set<Integer> other : sides) {
                if (other != side) {
                    other.forEach(i -> others.add(live.get(i).localMember().id()));
                }
            }
            side.forEach(i -> FailureDrills.of(live.get(i)).isolateFrom(others));
        }
    }

    /** Member {@code i} drops all traffic to and from the members {@code from} (indexes), until {@link #heal()}. */
    public void isolate(int i, int... from) {
        List<TesseraGrid> live = members();
        Set<String> ids = new HashSet<>();
        for (int f : from) {
            ids.add(live.get(f).localMember().id());
        }
        FailureDrills.of(live.get(i)).isolateFrom(ids);
    }

    /** Lets all traffic through again on every member. */
    @Override
    public void heal() {
        members().forEach(g -> FailureDrills.of(g).heal());
    }

    /**
     * Closing will not check the grid's invariants, for the reason given (a test that ends split or with members
     * that cannot agree on purpose). The thread check still runs.
     */
    public TestCluster skipInvariants(String reason) {
        skipInvariants = java.util.Objects.requireNonNull(reason, "reason");
        return this;
    }

    /**
     * Waits until every member applied the same table, that table has no migration, names exactly
     * the current members, and gives each partition min(N, 7) replicas.
     */
    public void awaitStable() {
        try {
            await("stable partition table").atMost(STABLE_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(this::isStable);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no stable partition table within " + STABLE_TIMEOUT + ": " + describe(), e);
        }
    }

    /** Each member's view and table, for a failure message. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (TesseraGrid g : members()) {
            PartitionTable t = g.topology().table();
            out.append(g.localMember().name()).append(": view of ").append(g.members().size()).append(" ")
                    .append(g.members().stream().map(m -> m.name()).toList()).append(", table v").append(t.version())
                    .append(" members ").append(t.members().size()).append(" migrating ").append(t.migratingCount())
                    .append("; ");
        }
        return out.toString();
    }

    public boolean isStable() {
        return isStable(members());
    }

    /** {@link #isStable()} over {@code live}. */
    static boolean isStable(List<TesseraGrid> live) {
        Set<MemberId> expected = new HashSet<>();
        for (TesseraGrid g : live) {
            expected.add(g.topology().self());
        }
        PartitionTable first = live.get(0).topology().table();
        for (TesseraGrid g : live) {
            PartitionTable t = g.topology().table();
            if (t.version() != first.version() || g.members().size() != live.size()) {
                return false;
            }
        }
        if (first.migratingCount() != 0 || !first.members().equals(expected)) {
            return false;
        }
        int replicas = Math.min(live.size(), 7);
        for (int p = 0; p < first.partitionCount(); p++) {
            if (first.owners(p).size() != replicas) {
                return false;
            }
        }
        return true;
    }

    /** Copies of a map's entries over the live members: [primary copies, backup copies]. */
    public List<Long> copyCounts(String map) {
        long primary = 0;
        long backup = 0;
        for (TesseraGrid g : members()) {
            GridIntrospection.MapStats s = g.introspection().localMapStats().get(map);
            if (s != null) {
                primary += s.primaryEntries();
                backup += s.backupEntries();
            }
        }
        return List.of(primary, backup);
    }

    @Override
    public String toString() {
        return "TestCluster[" + name + ", " + size() + " members" + (closed ? ", closed" : "") + "]";
    }

    /**
     * Checks the grid's invariants over the running members now ({@link GridInvariants}), waiting up to {@code settle}
     * for them to hold; {@link #close()} does this with 30 s.
     *
     * @throws AssertionError naming the broken invariants
     */
    public void checkInvariants(Duration settle) {
        GridInvariants.check(this, settle);
    }

    /**
     * Checks the grid's invariants (unless {@link #skipInvariants skipped}), then stops every member (as a crash: no
     * hand-over is needed after a test) and checks their threads ended. Members are stopped even when a check fails.
     *
     * @throws AssertionError naming the broken invariant
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        OPEN.remove(this);
        try {
            if (skipInvariants == null) {
                checkInvariants(GridInvariants.SETTLE);
            }
        } finally {
            for (TesseraGrid g : members()) {
                if (g.isRunning()) {
                    FailureDrills.of(g).crash();
                }
            }
            synchronized (members) {
                members.clear();
            }
        }
        synchronized (members) {
            MemberThreads.awaitEnded(Set.copyOf(memberThreads));
        }
    }
}
