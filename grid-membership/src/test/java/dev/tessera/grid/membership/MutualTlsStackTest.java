package dev.tessera.grid.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.testkit.channel.ChannelCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TP;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS on TCP over 127.0.0.1: trusted members join, an untrusted one is told why, trust stores reload. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MutualTlsStackTest {
    private static final char[] PW = TestCertificates.PASSWORD.toCharArray();

    @TempDir
    static Path dir;
    private static TestCertificates certs;

    private ChannelCluster cluster;

    @BeforeAll
    static void certificates() throws Exception {
        certs = new TestCertificates(dir);
        certs.ca("ca1");
        certs.ca("ca2");
        certs.member("a", "ca1");
        certs.member("b", "ca1");
        certs.member("x", "ca2");
        certs.trustStore("trust1", "ca1");
        certs.trustStore("trust12", "ca1", "ca2");
    }

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

    private ChannelSettings member(String name, int port, int seed, Path keyStore, Path trustStore) {
        StackConfig.Tcp tcp = new StackConfig.Tcp("127.0.0.1", port, 0, List.of("127.0.0.1[" + seed + "]"), null);
        return cluster.settings(name, null).withStack(tcp)
                .withSecurity(new MemberSecurity.MutualTls(keyStore, PW, trustStore, PW));
    }

    private static void replace(Path from, Path to) throws IOException {
        Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void trustedMembersJoinOverTlsAndAnUntrustedOneIsToldWhyUntilTheTrustStoreIsReloaded() throws Exception {
        cluster = new ChannelCluster(Duration.ofSeconds(3));
        int pa = freePort();
        int pb = freePort();
        int px = freePort();
        // a's trust store is a PEM file of the CA and its key store PEM too; b's are PKCS#12; both trust stores are
        // rewritten below
        Path trustA = dir.resolve("trust-a.pem");
        Files.copy(dir.resolve("ca1.pem"), trustA, StandardCopyOption.REPLACE_EXISTING);
        Path trustB = dir.resolve("trust-b.p12");
        Files.copy(dir.resolve("trust1.p12"), trustB, StandardCopyOption.REPLACE_EXISTING);
        ChannelCluster.Member a = cluster.start(member("a", pa, pa, certs.memberPem("a"), trustA), ChannelCluster.echo("a"));
        ChannelCluster.Member b = cluster.start(member("b", pb, pa, dir.resolve("b.p12"), trustB), ChannelCluster.echo("b"));
        await().atMost(Duration.ofSeconds(15)).until(() -> a.lastViewNames().size() == 2 && b.lastViewNames().size() == 2);
        assertThat(new String(b.channel().request(a.id(), "hi".getBytes(), RequestOptions.timeout(5_000)).join())).isEqualTo("a:hi");
        TP tp = a.channel().jgroupsChannel().getProtocolStack().getTransport();
        assertThat(tp).isInstanceOf(TCP.class);
        assertThat(((TCP) tp).nonBlockingSends()).isTrue();
        assertThat(((DirectDataPathPolicy) tp.getMessageProcessingPolicy()).direct()).isTrue();

        // x's certificate is signed by ca2, which only x trusts (besides ca1): it is refused, and told so
        assertThatThrownBy(() -> cluster.start(member("x", px, pb, dir.resolve("x.p12"), dir.resolve("trust12.p12")), null))
                .isInstanceOf(MembershipSecurityException.class)
                .hasMessageContaining("members of cluster '" + cluster.clusterName() + "' were found but TLS failed")
                .hasMessageContaining("refused this member's certificate")
                .hasMessageNotContaining(TestCertificates.PASSWORD);
        assertThat(a.lastViewNames()).containsExactlyInAnyOrder("a", "b");

        // rotation: both trust stores now also trust ca2; the members re-read them at a later handshake, no restart
        replace(dir.resolve("trust12.p12"), trustB);
        Files.writeString(dir.resolve("both.tmp"), Files.readString(dir.resolve("ca1.pem")) + Files.readString(dir.resolve("ca2.pem")));
        replace(dir.resolve("both.tmp"), trustA);
        ChannelCluster.Member[] x = new ChannelCluster.Member[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            try {
                x[0] = cluster.start(member("x", px, pa, dir.resolve("x.p12"), dir.resolve("trust12.p12")), ChannelCluster.echo("x"));
                return true;
            } catch (MembershipSecurityException stillStale) {
                return false;
            }
        });
        await().atMost(Duration.ofSeconds(15)).until(() -> x[0].lastViewNames().size() == 3);
        assertThat(new String(x[0].channel().request(a.id(), "rotated".getBytes(), RequestOptions.timeout(5_000)).join())).isEqualTo("a:rotated");
        assertThat(new String(x[0].channel().request(b.id(), "rotated".getBytes(), RequestOptions.timeout(5_000)).join())).isEqualTo("b:rotated");
    }
}
