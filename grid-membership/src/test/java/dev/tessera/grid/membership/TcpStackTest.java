package dev.tessera.grid.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jgroups.protocols.TP;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TcpStackTest {

    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private ChannelSettings tcp(String name, StackConfig.Tcp stack) {
        return cluster.settings(name, "zone-" + name).withStack(stack);
    }

    private static void assertBoundToLoopback(TestCluster.Member m) {
        TP transport = m.channel.jgroupsChannel().getProtocolStack().getTransport();
        assertThat(transport.getBindAddress().isLoopbackAddress()).isTrue();
        assertThat(transport.localPhysicalAddress().toString()).startsWith("127.0.0.1:");
        // no diagnostics (multicast) socket on our own stacks
        assertThat(transport.getDiagnosticsHandler() == null || !transport.getDiagnosticsHandler().isEnabled())
                .isTrue();
    }

    @Test
    void twoTcpMembersWithTcpPingOnLoopbackFormOneViewAndTalk() throws Exception {
        cluster = new TestCluster(Duration.ofSeconds(3));
        int p1 = freePort();
        int p2 = freePort();
        List<String> hosts = List.of("127.0.0.1[" + p1 + "]", "127.0.0.1[" + p2 + "]");
        TestCluster.Member a = cluster.start(tcp("a", StackConfig.Tcp.tcpPing(p1, hosts)), TestCluster.echo("a"));
        TestCluster.Member b = cluster.start(tcp("b", StackConfig.Tcp.tcpPing(p2, hosts)), TestCluster.echo("b"));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(a.lastViewNames()).containsExactly("a", "b");
            assertThat(b.lastViewNames()).containsExactly("a", "b");
        });
        assertThat(b.lastDeliveredView().member(a.address()))
                .hasValueSatisfying(i -> assertThat(i.zone()).isEqualTo("zone-a"));
        assertBoundToLoopback(a);
        assertBoundToLoopback(b);
        byte[] reply = a.channel.request(b.address(), "hi".getBytes(StandardCharsets.UTF_8), 5_000)
                .get(5, TimeUnit.SECONDS);
        assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("b:hi");
    }

    @Test
    void twoTcpMembersWithFilePingInATempFolderFormOneView(@TempDir Path folder) {
        cluster = new TestCluster(Duration.ofSeconds(3));
        TestCluster.Member a = cluster.start(tcp("a", StackConfig.Tcp.filePing(folder)), null);
        TestCluster.Member b = cluster.start(tcp("b", StackConfig.Tcp.filePing(folder)), null);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(a.lastViewNames()).containsExactly("a", "b");
            assertThat(b.lastViewNames()).containsExactly("a", "b");
        });
        assertBoundToLoopback(a);
        assertThat(folder).isNotEmptyDirectory();
    }

    @Test
    void startFailsWithAClearMembershipExceptionWhenTheTcpPortIsTaken() throws Exception {
        cluster = new TestCluster();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            ChannelSettings s = tcp("a", StackConfig.Tcp.tcpPing(port, List.of("127.0.0.1[" + port + "]")));
            assertThatThrownBy(() -> ClusterChannel.start(s, null, null, null))
                    .isInstanceOf(MembershipException.class)
                    .hasMessageContaining("'a'")
                    .hasMessageContaining("TCP on 127.0.0.1:" + port);
        }
    }

    @Test
    void crashedTcpMemberIsRemovedQuickly() throws Exception {
        // FD_ALL3 alone would need 10 s here; FD_SOCK2 notices the closed socket at once
        cluster = new TestCluster(Duration.ofSeconds(10));
        int p1 = freePort();
        int p2 = freePort();
        List<String> hosts = List.of("127.0.0.1[" + p1 + "]", "127.0.0.1[" + p2 + "]");
        TestCluster.Member a = cluster.start(tcp("a", StackConfig.Tcp.tcpPing(p1, hosts)), null);
        TestCluster.Member b = cluster.start(tcp("b", StackConfig.Tcp.tcpPing(p2, hosts)), null);
        await().atMost(Duration.ofSeconds(15)).until(() -> a.lastViewNames().size() == 2);

        b.channel.crash();

        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(a.lastViewNames()).containsExactly("a"));
    }
}
