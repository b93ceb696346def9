package dev.tessera.grid.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridBuilder;
import dev.tessera.grid.GridIncompatibleMemberException;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.serialization.WireFormat;
import dev.tessera.grid.testkit.TestCluster;
import dev.tessera.grid.core.wire.MessageType;
import dev.tessera.grid.core.wire.QueryMessages;
import dev.tessera.grid.core.wire.TopologyMessages;
import dev.tessera.grid.core.wire.TopologyMessages.TableMessage;
import dev.tessera.grid.membership.ChannelSettings;
import dev.tessera.grid.membership.ClusterChannel;
import dev.tessera.grid.membership.RequestOptions;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import dev.tessera.grid.membership.MemberId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member whose registered types, partition count or wire version differ from the cluster's is refused at join
 * with the difference named; the running members keep every entry and give it nothing. A compatible member joins.
 */
class IncompatibleMemberTest {
    private static final int ENTRIES = 1_000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    record Order(String id, int quantity) {}

    record Invoice(String id, long cents) {}

    private TestCluster cluster;
    /** The types of the members the test kit starts: the cluster's, then none (the joiner brings its own). */
    private volatile Consumer<GridBuilder> types;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void extraType_isRefusedWithTheTypeNamed_andTheClusterKeepsItsData() {
        Before before = startLoaded(b -> b.registerType(Order.class));
        String invoice = Invoice.class.getName();

        assertThatThrownBy(() -> joiner().registerType(Order.class).registerType(Invoice.class).start())
                .isInstanceOfSatisfying(GridIncompatibleMemberException.class, e -> assertThat(e.differences())
                        .containsExactly("member m3 registers " + invoice + " as id " + WireFormat.userTypeId(invoice)
                                + ", the cluster does not register it"))
                .hasMessageContaining("Member m3 cannot join cluster")
                .hasMessageContaining("registerType");

        assertRefusedAndIntact(before);
    }

    @Test
    void missingType_isRefusedWithTheTypeNamed() {
        Before before = startLoaded(b -> b.registerType(Order.class).registerType(Invoice.class));
        String invoice = Invoice.class.getName();

        assertThatThrownBy(() -> joiner().registerType(Order.class).start())
                .isInstanceOfSatisfying(GridIncompatibleMemberException.class, e -> assertThat(e.differences())
                        .containsExactly("the cluster registers " + invoice + " as id " + WireFormat.userTypeId(invoice)
                                + ", member m3 does not register it"));

        assertRefusedAndIntact(before);
    }

    @Test
    void otherPartitionCount_isRefusedAtOnceNamingBothCounts() {
        Before before = startLoaded(b -> b.registerType(Order.class));

        long start = System.nanoTime();
        assertThatThrownBy(() -> joiner().registerType(Order.class).partitionCount(128).start())
                .isInstanceOfSatisfying(GridIncompatibleMemberException.class, e -> assertThat(e.differences())
                        .containsExactly("partitionCount: member m3 has 128, the cluster has 271"));
        // before: the joiner's TopologyState threw on every table and start() gave up after 60 s without a reason
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));

        assertRefusedAndIntact(before);
    }

    @Test
    void changedValueClass_isRefusedNamingBothShapes(@TempDir Path dir) throws Exception {
        Before before = startLoaded(b -> b.registerType(Order.class).registerType(ShapedValue.class));
        Class<?> changed = compileChangedShapedValue(dir);
        assertThat(changed.getName()).isEqualTo(ShapedValue.class.getName());
        assertThat(changed).isNotEqualTo(ShapedValue.class);

        assertThatThrownBy(() -> joiner().registerType(Order.class).registerType(changed).start())
                .isInstanceOfSatisfying(GridIncompatibleMemberException.class, e -> assertThat(e.differences())
                        .containsExactly(ShapedValue.class.getName() + " has another shape:"
                                + " record(id:java.lang.String,quantity:long) on member m3,"
                                + " record(id:java.lang.String,quantity:int) in the cluster"));

        assertRefusedAndIntact(before);
    }

    @Test
    void otherRegistrationOrder_isCompatible_becauseIdsDeriveFromClassNames() {
        Before before = startLoaded(b -> b.registerType(Order.class).registerType(Invoice.class));

        TesseraGrid m3 = (TesseraGrid) joiner().registerType(Invoice.class).registerType(Order.class).start();
        try {
            assertThat(m3.compatibility().fingerprint()).isEqualTo(cluster.member(0).compatibility().fingerprint());
            await().atMost(TestCluster.STABLE_TIMEOUT).until(() -> tableMembers(cluster.member(0)).size() == 3
                    && cluster.member(0).topology().table().migratingCount() == 0
                    && m3.topology().table().version() == cluster.member(0).topology().table().version());
            assertThat(tableMembers(cluster.member(0))).contains(m3.topology().self());
            assertThat(cluster.member(0).introspection().refusedMembers()).isZero();
            assertThat(m3.<String, Order>map("orders").get("k-7")).isEqualTo(new Order("k-7", 7));
            long primaries = 0;
            for (TesseraGrid g : List.of(cluster.member(0), cluster.member(1), m3)) {
                primaries += g.introspection().localMapStats().get("orders").primaryEntries();
            }
            assertThat(primaries).isEqualTo(ENTRIES);
        } finally {
            m3.simulateCrash();
        }
    }

    /**
     * The dispatcher gate on its own: a channel that joins the view with another fingerprint (it skips the
     * joiner's check) and sends a table giving it every partition, and asks for a map's entries. Nothing is
     * applied or answered, and it is given no partition although it stays in the view.
     */
    @Test
    void refusedMemberInTheView_hasNoneOfItsMessagesApplied() throws Exception {
        Before before = startLoaded(b -> b.registerType(Order.class));
        String clusterName = cluster.builder().build().clusterName();
        try (ClusterChannel rogue = ClusterChannel.start(
                ChannelSettings.inProcess(clusterName, "rogue", null).withCompatibility("0123456789abcdef"),
                null, null, null)) {
            MemberId self = rogue.localId();
            await().atMost(WAIT).until(() -> before.members.stream()
                    .allMatch(g -> g.introspection().refusedMembers() == 1 && g.channel().currentView().contains(self)));

            int partitions = before.table.partitionCount();
            MemberId[][] owners = new MemberId[partitions][];
            for (int p = 0; p < partitions; p++) {
                owners[p] = new MemberId[] {self};
            }
            rogue.broadcast(new TableMessage(MessageType.TABLE_UPDATE,
                    new PartitionTable(1_000_000_000L, owners, new MemberId[partitions][])).encode());
            MemberId m1 = before.members.get(0).topology().self();
            assertThatThrownBy(() -> rogue.request(m1, new QueryMessages.EntriesQuery(0, "orders", 10_000).encode(), RequestOptions.timeout(5_000))
                    .get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("refuses");

            await().atMost(WAIT).until(() -> before.members.get(0).compatibility().refusedMessages() >= 2
                    && before.members.get(1).compatibility().refusedMessages() >= 1);
            assertRefusedAndIntact(before);
        }
    }

    // ---- helpers ----

    /** What the cluster held before the joiner came. */
    private record Before(List<TesseraGrid> members, PartitionTable table) {}

    private Before startLoaded(Consumer<GridBuilder> clusterTypes) {
        types = clusterTypes;
        cluster = TestCluster.start(2, b -> types.accept(b));
        types = b -> { };
        GridMap<String, Order> orders = cluster.member(0).map("orders");
        for (int i = 0; i < ENTRIES; i++) {
            orders.set("k-" + i, new Order("k-" + i, i));
        }
        assertThat(cluster.copyCounts("orders")).containsExactly((long) ENTRIES, (long) ENTRIES);
        return new Before(cluster.members(), cluster.member(0).topology().table());
    }

    private GridBuilder joiner() {
        return cluster.builder(); // m3, in the cluster's name, with no types yet
    }

    private void assertRefusedAndIntact(Before before) {
        for (TesseraGrid g : before.members) {
            await().atMost(WAIT).until(() -> g.introspection().refusedMembers() == 1);
        }
        for (TesseraGrid g : before.members) {
            PartitionTable t = g.topology().table();
            assertThat(t.version()).as("no table was published for the refused member").isEqualTo(before.table.version());
            assertThat(t).isEqualTo(before.table);
            assertThat(tableMembers(g)).hasSize(2);
            assertThat(g.members()).hasSize(2);
        }
        assertThat(cluster.copyCounts("orders")).containsExactly((long) ENTRIES, (long) ENTRIES);
        GridMap<String, Order> orders = cluster.member(1).map("orders");
        for (int i = 0; i < ENTRIES; i++) {
            assertThat(orders.get("k-" + i)).isEqualTo(new Order("k-" + i, i));
        }
    }

    /** The next version of {@link ShapedValue}, as a rolling upgrade would bring it, in a class loader of its own. */
    private static Class<?> compileChangedShapedValue(Path dir) throws Exception {
        String pkg = ShapedValue.class.getPackageName();
        Path source = dir.resolve("ShapedValue.java");
        Files.writeString(source, "package " + pkg + "; public record ShapedValue(String id, long quantity) {}");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "-d", dir.toString(), source.toString())).isZero();
        URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null); // null parent: this version wins
        return loader.loadClass(ShapedValue.class.getName());
    }

    private static Set<MemberId> tableMembers(TesseraGrid g) {
        return new HashSet<>(g.topology().table().members());
    }
}
