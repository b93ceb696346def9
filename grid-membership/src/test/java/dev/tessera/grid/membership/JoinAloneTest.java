package dev.tessera.grid.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.testkit.channel.ChannelCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jgroups.JChannel;
import org.jgroups.protocols.DROP;
import org.jgroups.protocols.TP;
import org.jgroups.stack.ProtocolStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Soak finding (seed 556522212380061671 round 7): a replacement member whose discovery heard the running members
 * too late (under load) became a cluster of its own, served the CONSISTENT map alone for 5 s until MERGE3 merged it,
 * and every key's history stopped being linearizable. A joiner that ends alone while its cluster answers must join
 * again instead of delivering that singleton view.
 */
@Timeout(60)
class JoinAloneTest {

    private ChannelCluster cluster;
    private ClusterChannel joiner;

    @AfterEach
    void tearDown() {
        if (joiner != null) {
            joiner.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void aJoinerWhoseDiscoveryMissedTheClusterJoinsAgainInsteadOfFormingItsOwn() throws Exception {
        cluster = new ChannelCluster(Duration.ofSeconds(3));
        int pa = freePort();
        int pc = freePort();
        int pb = freePort();
        List<String> hosts = List.of("127.0.0.1[" + pa + "]", "127.0.0.1[" + pc + "]", "127.0.0.1[" + pb + "]");
        // a running cluster of two: its member that is not the coordinator tells the joiner a cluster is there
        ChannelCluster.Member a = cluster.start(
                cluster.settings("a", null).withStack(StackConfig.Tcp.tcpPing(pa, hosts)), ChannelCluster.echo("a"));
        cluster.start(cluster.settings("c", null).withStack(StackConfig.Tcp.tcpPing(pc, hosts)), ChannelCluster.echo("c"));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.lastViewNames().size() == 2);

        // the first attempt hears nothing from others until it has a view: its discovery answers come "too late"
        AtomicInteger attempts = new AtomicInteger();
        List<ClusterView> views = new CopyOnWriteArrayList<>();
        joiner = ClusterChannel.start(cluster.settings("b", null).withStack(StackConfig.Tcp.tcpPing(pb, hosts)),
                views::add, null, null, ch -> {
                    if (attempts.incrementAndGet() == 1) {
                        deafUntilItHasAView(ch);
                    }
                });

        await().atMost(Duration.ofSeconds(10)).until(() -> !views.isEmpty());
        assertThat(views.get(0).names()).as("first view the joiner delivered").containsExactly("a", "c", "b");
        assertThat(views).allSatisfy(v -> assertThat(v.size()).as("members of a delivered view").isEqualTo(3));
        assertThat(attempts.get()).as("joins tried").isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.lastViewNames().size() == 3);
        assertThat(a.lastViewNames()).containsExactly("a", "c", "b");
    }

    private static void deafUntilItHasAView(JChannel ch) {
        DROP drop = new DROP();
        drop.addUpFilter(m -> ch.getView() == null && m.getSrc() != null && !m.getSrc().equals(ch.getAddress()));
        try {
            ch.getProtocolStack().insertProtocol(drop, ProtocolStack.Position.ABOVE, TP.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
