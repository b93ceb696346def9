package dev.tessera.grid.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.testkit.channel.ChannelCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MembershipViewTest {

    private ChannelCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void threeInProcessMembersFormOneViewWithNamesZonesAndFirstAsCoordinator() {
        cluster = new ChannelCluster();
        ChannelCluster.Member a = cluster.start("a", "zone-1", null);
        ChannelCluster.Member b = cluster.start("b", "zone-2", null);
        ChannelCluster.Member c = cluster.start("c", null, null);
        List<ChannelCluster.Member> all = List.of(a, b, c);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (ChannelCluster.Member m : all) {
                assertThat(m.lastViewNames()).containsExactly("a", "b", "c");
            }
        });
        for (ChannelCluster.Member m : all) {
            ClusterView v = m.lastDeliveredView();
            assertThat(v.coordinator().name()).isEqualTo("a");
            assertThat(v.coordinator().id()).isEqualTo(a.id());
            assertThat(v.ids()).containsExactly(a.id(), b.id(), c.id());
            assertThat(v.member(a.id())).hasValueSatisfying(i -> assertThat(i.zone()).isEqualTo("zone-1"));
            assertThat(v.member(b.id())).hasValueSatisfying(i -> assertThat(i.zone()).isEqualTo("zone-2"));
            assertThat(v.member(c.id())).hasValueSatisfying(i -> assertThat(i.zone()).isNull());
            assertThat(v.contains(m.id())).isTrue();
            assertThat(v.merge()).isFalse();
            assertThat(m.channel().currentView()).isEqualTo(v);
            // views come on our own single view thread, never on a JGroups thread
            assertThat(m.viewThreads()).allSatisfy(t -> assertThat(t).startsWith("tessera-").contains("-views"));
        }
        assertThat(a.channel().isCoordinator()).isTrue();
        assertThat(b.channel().isCoordinator()).isFalse();
        assertThat(c.channel().localMember()).isEqualTo(new MemberInfo(c.id(), "c", null));
        // the first view each listener saw already contained the member itself, view ids increase
        for (ChannelCluster.Member m : all) {
            assertThat(m.views().get(0).contains(m.id())).isTrue();
            assertThat(m.views()).extracting(ClusterView::viewId).isSorted();
        }
    }

    @Test
    void gracefulCloseIsSeenByTheOthersWithoutWaitingForFailureDetection() {
        // failure detection would take 30 s: a view within 5 s can only come from the leave
        cluster = new ChannelCluster(Duration.ofSeconds(30));
        ChannelCluster.Member a = cluster.start("a", null);
        ChannelCluster.Member b = cluster.start("b", null);
        ChannelCluster.Member c = cluster.start("c", null);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> a.lastViewNames().size() == 3 && b.lastViewNames().size() == 3);

        c.channel().close();
        c.channel().close(); // idempotent

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(a.lastViewNames()).containsExactly("a", "b");
            assertThat(b.lastViewNames()).containsExactly("a", "b");
        });
        assertThat(c.channel().isOpen()).isFalse();
        assertThatThrownBy(() -> c.channel().broadcast(new byte[1])).isInstanceOf(MembershipException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void closingTheCoordinatorMakesTheNextOldestMemberCoordinator() {
        cluster = new ChannelCluster(Duration.ofSeconds(30));
        ChannelCluster.Member a = cluster.start("a", null);
        ChannelCluster.Member b = cluster.start("b", null);
        ChannelCluster.Member c = cluster.start("c", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> c.lastViewNames().size() == 3);

        a.channel().close();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(b.lastViewNames()).containsExactly("b", "c");
            assertThat(c.lastViewNames()).containsExactly("b", "c");
        });
        assertThat(b.channel().isCoordinator()).isTrue();
    }

    @Test
    void crashedMemberIsRemovedByFailureDetectionWithinTenSeconds() {
        cluster = new ChannelCluster(Duration.ofSeconds(2));
        ChannelCluster.Member a = cluster.start("a", null);
        ChannelCluster.Member b = cluster.start("b", null);
        ChannelCluster.Member c = cluster.start("c", null);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> a.lastViewNames().size() == 3 && c.lastViewNames().size() == 3
                        && b.lastViewNames().size() == 3);
        int viewsOfBBeforeCrash = b.views().size();

        cluster.crash(b);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(a.lastViewNames()).containsExactly("a", "c");
            assertThat(c.lastViewNames()).containsExactly("a", "c");
        });
        assertThat(a.lastDeliveredView().merge()).isFalse();
        // the crashed member's handlers got nothing after the crash (not even its own singleton view)
        assertThat(b.views()).hasSize(viewsOfBBeforeCrash);
        assertThat(b.channel().isOpen()).isFalse();
    }

    @Test
    void crashOfTheCoordinatorHandsCoordinationToTheNextMember() {
        cluster = new ChannelCluster(Duration.ofSeconds(2));
        ChannelCluster.Member a = cluster.start("a", null);
        ChannelCluster.Member b = cluster.start("b", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.lastViewNames().size() == 2);

        cluster.crash(a);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(b.lastViewNames()).containsExactly("b"));
        assertThat(b.channel().isCoordinator()).isTrue();
    }

    @Test
    void isolatedSidesFormSeparateViewsAndMergeAfterHealing() {
        cluster = new ChannelCluster(Duration.ofSeconds(2));
        ChannelCluster.Member a = cluster.start("a", "z1", null);
        ChannelCluster.Member b = cluster.start("b", "z2", null);
        ChannelCluster.Member c = cluster.start("c", "z3", null);
        List<ChannelCluster.Member> all = List.of(a, b, c);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> all.stream().allMatch(m -> m.lastViewNames().size() == 3));

        cluster.split(List.of(List.of(a, b), List.of(c)));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(a.lastViewNames()).containsExactly("a", "b");
            assertThat(b.lastViewNames()).containsExactly("a", "b");
            assertThat(c.lastViewNames()).containsExactly("c");
        });
        assertThat(c.channel().isolatedFrom()).containsExactlyInAnyOrder(a.id(), b.id());

        cluster.heal();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (ChannelCluster.Member m : all) {
                ClusterView v = m.lastDeliveredView();
                assertThat(v.merge()).as("merge flag at %s", m.channel().localMember()).isTrue();
                assertThat(v.names()).containsExactlyInAnyOrder("a", "b", "c");
            }
        });
        // every member sees the same merged view, with the zones intact
        ClusterView merged = a.lastDeliveredView();
        assertThat(b.lastDeliveredView()).isEqualTo(merged);
        assertThat(c.lastDeliveredView()).isEqualTo(merged);
        assertThat(merged.member(c.id())).hasValueSatisfying(i -> assertThat(i.zone()).isEqualTo("z3"));
    }

    @Test
    void xmlStackFromTheClassPathJoinsAndCarriesNamesAndZones() {
        cluster = new ChannelCluster();
        ChannelSettings xml = cluster.settings("x1", "zx").withStack(new StackConfig.Xml("test-loopback.xml"));
        ChannelCluster.Member x1 = cluster.start(xml, null);
        ChannelCluster.Member x2 = cluster.start(cluster.settings("x2", null)
                .withStack(new StackConfig.Xml("test-loopback.xml")), null);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(x1.lastViewNames()).containsExactly("x1", "x2");
            assertThat(x2.lastViewNames()).containsExactly("x1", "x2");
        });
        assertThat(x2.lastDeliveredView().member(x1.id()))
                .hasValueSatisfying(i -> assertThat(i.zone()).isEqualTo("zx"));
    }

    @Test
    void startFailsWithAClearMembershipExceptionForAMissingXmlConfiguration() {
        ChannelSettings bad = ChannelSettings.inProcess("c", "m", null)
                .withStack(new StackConfig.Xml("no-such-jgroups-config.xml"));
        assertThatThrownBy(() -> ClusterChannel.start(bad, null, null, null))
                .isInstanceOf(MembershipException.class)
                .hasMessageContaining("'m'")
                .hasMessageContaining("no-such-jgroups-config.xml");
    }

    @Test
    void settingsDefaultFailureDetectionTimeoutIsThreeSecondsAndBoundMustBePositive() {
        ChannelSettings s = new ChannelSettings("c", "m", null, null, null, 5);
        assertThat(s.failureDetectionTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.stack()).isEqualTo(new StackConfig.InProcess());
        assertThatThrownBy(() -> new ChannelSettings("c", "m", null, null, null, 0))
                .isInstanceOf(IllegalArgumentException.class);
        StackConfig.Tcp tcp = new StackConfig.Tcp(null, 7800, 0, null, null);
        assertThat(tcp.bindHost()).isEqualTo("127.0.0.1");
        assertThat(Stacks.parseHosts(List.of("127.0.0.1[7800]", "localhost:7801,127.0.0.1[7802]")))
                .extracting(java.net.InetSocketAddress::getPort).containsExactly(7800, 7801, 7802);
        assertThatThrownBy(() -> Stacks.parseHosts(List.of("127.0.0.1"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host[port]");
    }
}
