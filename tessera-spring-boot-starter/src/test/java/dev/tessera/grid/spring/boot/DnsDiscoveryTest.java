package dev.tessera.grid.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.testkit.GridInvariants;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Kubernetes discovery, played on one host: a headless Service's name resolves (through a DNS server the test runs)
 * to the pods' address, and every member has the same configuration, as replicas of one pod template do. On one
 * host the pods' shared address is 127.0.0.1, so they differ by port: each probes port .. port + 1 of every address.
 */
class DnsDiscoveryTest {
    private static final String SERVICE = "tessera-headless.shop.svc.cluster.local";
    private LocalDnsServer dns;
    private ConfigurableApplicationContext a;
    private ConfigurableApplicationContext b;
    private ConfigurableApplicationContext stranger;

    @AfterEach
    void close() {
        for (ConfigurableApplicationContext c : new ConfigurableApplicationContext[] {stranger, b, a}) {
            if (c != null) {
                c.close();
            }
        }
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void podsOfAHeadlessServiceFormOneClusterThroughDnsPing() throws Exception {
        dns = new LocalDnsServer();
        dns.answer(SERVICE, List.of(InetAddress.getByName("127.0.0.1")));
        int port = TestApp.freePorts(3);
        String cluster = "k8s-" + UUID.randomUUID();
        String[] podTemplate = {"tessera.cluster-name=" + cluster, "tessera.transport.port=" + port,
                "tessera.transport.port-range=1", "tessera.transport.dns.query=" + SERVICE,
                "tessera.transport.dns.server=" + dns.address()};

        a = TestApp.start(podTemplate);
        b = TestApp.start(podTemplate);

        await().atMost(Duration.ofSeconds(30)).until(() -> grid(a).members().size() == 2 && grid(b).members().size() == 2);
        assertThat(grid(a).members()).containsExactlyElementsOf(grid(b).members());
        assertThat(dns.queriesFor(SERVICE)).as("A queries for the headless Service").isGreaterThanOrEqualTo(2);
        // the cluster works: a write on one pod is read on the other
        grid(a).map("m").put("k", "v");
        assertThat(grid(b).map("m").get("k")).isEqualTo("v");

        // same cluster name and ports, but its name resolves to nothing: it finds no one, as DNS decides membership
        String other = "nobody.shop.svc.cluster.local";
        stranger = TestApp.start("tessera.cluster-name=" + cluster, "tessera.transport.port=" + port,
                "tessera.transport.port-range=2", "tessera.transport.dns.query=" + other,
                "tessera.transport.dns.server=" + dns.address());
        assertThat(dns.queriesFor(other)).isGreaterThanOrEqualTo(1);
        assertThat(grid(stranger).members()).hasSize(1);
        assertThat(grid(a).members()).hasSize(2);

        // the pods' cluster keeps the grid's invariants with data in a map with one backup (the default), the
        // stranger's cluster of one its own: a table that named the stranger, or a view of three, would break them
        GridMap<Integer, String> m = grid(b).map("m");
        for (int i = 0; i < 200; i++) {
            m.set(i, "v" + i);
        }
        GridInvariants.assertHold(List.of(grid(a), grid(b)), Duration.ofSeconds(30));
        GridInvariants.assertHold(List.of(grid(stranger)), Duration.ofSeconds(30));
    }

    private static Grid grid(ConfigurableApplicationContext ctx) {
        return ctx.getBean(Grid.class);
    }
}
