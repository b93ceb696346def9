package dev.tessera.grid.core.testkit;

import static org.awaitility.Awaitility.await;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridBuilder;
import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.Transport;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.core.partition.PartitionTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import dev.tessera.grid.membership.MemberId;

/**
 * N members in this JVM on JGroups' SHARED_LOOPBACK, in a cluster of their own (unique name), with
 * helpers to add, crash and remove members and to wait until the partition table is stable.
 * Close it (try-with-resources or @AfterEach) to stop every member it started.
 */
public final class TestCluster implements AutoCloseable {
    public static final Duration STABLE_TIMEOUT = Duration.ofSeconds(60);

    private final String name = "test-" + UUID.randomUUID();
    private final List<TesseraGrid> members = new ArrayList<>();
    private final Consumer<GridBuilder> customizer;
    private final ManualTime time = ManualTime.running();
    private int started;

    private TestCluster(Consumer<GridBuilder> customizer) {
        this.customizer = customizer;
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
        TesseraGrid g = TesseraGrid.start(builder().build(), time);
        synchronized (members) {
            members.add(g);
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

    /** Simulates kill -9 of member {@code i}: no goodbye, the others detect it. */
    public TesseraGrid crash(int i) {
        TesseraGrid g;
        synchronized (members) {
            g = members.remove(i);
        }
        g.simulateCrash();
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
     * Waits until every member applied the same table, that table has no migration, names exactly
     * the current members, and gives each partition min(N, 7) replicas.
     */
    public void awaitStable() {
        await("stable partition table").atMost(STABLE_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(this::isStable);
    }

    public boolean isStable() {
        List<TesseraGrid> live = members();
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
    public void close() {
        for (TesseraGrid g : members()) {
            g.simulateCrash(); // fast teardown: no hand-over needed after a test
        }
        synchronized (members) {
            members.clear();
        }
    }
}
