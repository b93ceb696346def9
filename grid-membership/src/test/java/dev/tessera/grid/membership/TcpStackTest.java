package dev.tessera.grid.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.testkit.channel.ChannelCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jgroups.protocols.TP;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class TcpStackTest {

    /** TCP_NIO2's reading thread. */
    private static final String NIO_READER_THREAD = "NioServer.Selector";

    private ChannelCluster cluster;

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

    private static void assertBoundToLoopback(ChannelCluster.Member m) {
        TP transport = m.channel().jgroupsChannel().getProtocolStack().getTransport();
        assertThat(transport.getBindAddress().isLoopbackAddress()).isTrue();
        assertThat(transport.localPhysicalAddress().toString()).startsWith("127.0.0.1:");
        // no diagnostics (multicast) socket on our own stacks
        assertThat(transport.getDiagnosticsHandler() == null || !transport.getDiagnosticsHandler().isEnabled())
                .isTrue();
    }

    @Test
    void twoTcpMembersWithTcpPingOnLoopbackFormOneViewAndTalk() throws Exception {
        cluster = new ChannelCluster(Duration.ofSeconds(3));
        int p1 = freePort();
        int p2 = freePort();
        List<String> hosts = List.of("127.0.0.1[" + p1 + "]", "127.0.0.1[" + p2 + "]");
        ChannelCluster.Member a = cluster.start(tcp("a", StackConfig.Tcp.tcpPing(p1, hosts)), ChannelCluster.echo("a"));
        ChannelCluster.Member b = cluster.start(tcp("b", StackConfig.Tcp.tcpPing(p2, hosts)), ChannelCluster.echo("b"));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(a.lastViewNames()).containsExactly("a", "b");
            assertThat(b.lastViewNames()).containsExactly("a", "b");
        });
        assertThat(b.lastDeliveredView().member(a.id()))
                .hasValueSatisfying(i -> assertThat(i.zone()).isEqualTo("zone-a"));
        assertBoundToLoopback(a);
        assertBoundToLoopback(b);
        byte[] reply = a.channel().request(b.id(), "hi".getBytes(StandardCharsets.UTF_8), RequestOptions.timeout(5_000))
                .get(5, TimeUnit.SECONDS);
        assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("b:hi");
    }

    private static DirectDataPathPolicy policyOf(ChannelCluster.Member m) {
        return (DirectDataPathPolicy) m.channel().jgroupsChannel().getProtocolStack().getTransport().getMessageProcessingPolicy();
    }

    private ChannelCluster.Member[] twoTcpMembers(RequestHandler handler) throws IOException {
        int p1 = freePort();
        int p2 = freePort();
        List<String> hosts = List.of("127.0.0.1[" + p1 + "]", "127.0.0.1[" + p2 + "]");
        ChannelCluster.Member a = cluster.start(tcp("a", StackConfig.Tcp.tcpPing(p1, hosts)), handler);
        ChannelCluster.Member b = cluster.start(tcp("b", StackConfig.Tcp.tcpPing(p2, hosts)), handler);
        await().atMost(Duration.ofSeconds(15)).until(() -> a.lastViewNames().size() == 2 && b.lastViewNames().size() == 2);
        a.channel().enableInlineRequests();
        b.channel().enableInlineRequests();
        return new ChannelCluster.Member[] {a, b};
    }

    @Test
    void inlineRequestsRunOnTheTransportsReaderAndOthersOnWorkers() throws Exception {
        cluster = new ChannelCluster(Duration.ofSeconds(3));
        CompletableFuture<byte[]> heldReply = new CompletableFuture<>();
        ChannelCluster.Member[] m = twoTcpMembers((sender, req) -> req[0] == 2 ? heldReply
                : CompletableFuture.completedFuture(Thread.currentThread().getName().getBytes(StandardCharsets.UTF_8)));

        String inline = new String(m[0].channel().request(m[1].id(), new byte[] {0}, RequestOptions.timeout(5_000).andInline())
                .get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        String pooled = new String(m[0].channel().request(m[1].id(), new byte[] {1}, RequestOptions.timeout(5_000))
                .get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        assertThat(policyOf(m[1]).direct()).isTrue();
        // the selector thread that read the request, not JGroups' thread pool ("jgroups-...") nor our workers
        assertThat(inline).startsWith(NIO_READER_THREAD);
        assertThat(pooled).startsWith("tessera-b-worker");

        // and the reply to an inline request completes the caller's future on the thread that read the reply
        CompletableFuture<Thread> completer = new CompletableFuture<>();
        m[0].channel().request(m[1].id(), new byte[] {2}, RequestOptions.timeout(5_000).andInline())
                .thenRun(() -> completer.complete(Thread.currentThread()));
        heldReply.complete(new byte[0]);
        assertThat(completer.get(5, TimeUnit.SECONDS).getName()).startsWith(NIO_READER_THREAD);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a deadlock blocks sends too
    void largeInlineRepliesBothWaysAtOnceAllArrive() throws Exception {
        // Each side's reading thread runs handlers that write 8 MB replies to the other side, which is doing the
        // same: with blocking writes both readers end up waiting for the other to read (with JGroups' TCP both readers,
        // and this thread's sends, stayed blocked in socket writes for good).
        cluster = new ChannelCluster(Duration.ofSeconds(10));
        int replyBytes = 8 << 20;
        ChannelCluster.Member[] m = twoTcpMembers((sender, req) -> {
            byte[] reply = new byte[replyBytes];
            Arrays.fill(reply, req[0]);
            return CompletableFuture.completedFuture(reply);
        });
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            for (int side = 0; side < 2; side++) {
                replies.add(m[side].channel().request(m[1 - side].id(), new byte[] {(byte) replies.size()}, RequestOptions.timeout(60_000).andInline()));
            }
        }
        for (int i = 0; i < replies.size(); i++) {
            byte[] reply = replies.get(i).get(60, TimeUnit.SECONDS);
            assertThat(reply).hasSize(replyBytes);
            assertThat(reply[0]).isEqualTo((byte) i);
            assertThat(reply[replyBytes - 1]).isEqualTo((byte) i);
        }
        assertThat(m[0].lastViewNames()).containsExactly("a", "b"); // and nobody was suspected meanwhile
    }

    @Test
    void twoTcpMembersWithFilePingInATempFolderFormOneView(@TempDir Path folder) {
        cluster = new ChannelCluster(Duration.ofSeconds(3));
        ChannelCluster.Member a = cluster.start(tcp("a", StackConfig.Tcp.filePing(folder)), null);
        ChannelCluster.Member b = cluster.start(tcp("b", StackConfig.Tcp.filePing(folder)), null);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(a.lastViewNames()).containsExactly("a", "b");
            assertThat(b.lastViewNames()).containsExactly("a", "b");
        });
        assertBoundToLoopback(a);
        assertThat(folder).isNotEmptyDirectory();
    }

    @Test
    void theReaderThreadDataPathFallsBackToThePoolOnATransportWithBlockingWrites() throws IOException {
        cluster = new ChannelCluster();
        System.setProperty("tessera.test.port", Integer.toString(freePort())); // read by the XML
        ChannelCluster.Member a;
        try {
            a = cluster.start(cluster.settings("a", null).withStack(new StackConfig.Xml("test-blocking-tcp-direct-policy.xml")), null);
        } finally {
            System.clearProperty("tessera.test.port");
        }
        assertThat(policyOf(a).direct()).isFalse();
    }

    @Test
    void startFailsWithAClearMembershipExceptionWhenTheTcpPortIsTaken() throws Exception {
        cluster = new ChannelCluster();
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
        cluster = new ChannelCluster(Duration.ofSeconds(10));
        int p1 = freePort();
        int p2 = freePort();
        List<String> hosts = List.of("127.0.0.1[" + p1 + "]", "127.0.0.1[" + p2 + "]");
        ChannelCluster.Member a = cluster.start(tcp("a", StackConfig.Tcp.tcpPing(p1, hosts)), null);
        ChannelCluster.Member b = cluster.start(tcp("b", StackConfig.Tcp.tcpPing(p2, hosts)), null);
        await().atMost(Duration.ofSeconds(15)).until(() -> a.lastViewNames().size() == 2);

        b.channel().crash();

        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(a.lastViewNames()).containsExactly("a"));
    }
}
