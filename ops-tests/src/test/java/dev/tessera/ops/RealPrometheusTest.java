package dev.tessera.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The runbook's "kill" drill through a real Prometheus: demo/cluster.sh starts 3 members and
 * {@code cluster.sh prometheus --drill} (the rules of alerts.yml with every {@code for} at 0 s, 500 ms scrapes and
 * rule evaluations), then {@code cluster.sh kill m3} (kill -9). Through Prometheus' HTTP API: the member-count alert
 * fires, the replica alert fires, and the replica alert resolves once redundancy is rebuilt. The rules' durations are
 * tested by promtool (PromtoolRulesTest); this test proves their expressions match what members really export.
 *
 * <p>Why the replica test holds the rebuild's commits ({@code POST /admin/commits/hold} on every member before the
 * kill, {@code /admin/commits/release} once the alert fired): left alone, the survivors' partitions are
 * under-replicated only from the view change to the last migration commit, measured 0.8-1.3 s here even with 192 MB
 * to re-copy (118-128 MB at 100-160 MB/s over loopback), and the members' Micrometer binder re-reads the gauge at
 * most once a second (its snapshot cache), i.e. at every second or third 500 ms scrape. A window of ~1 s sampled every
 * 1-1.5 s is missed in a good part of the runs (about half were, issue 19), and a faster machine shortens the window.
 * Held, the copies still run but nothing commits: the partitions stay really under-replicated (the gauge counts live
 * committed owners) until the test has seen the alert fire, and the alert resolves only when the released commits
 * rebuild redundancy.
 *
 * <p>Needs the prometheus binary (skipped with a message where absent, failed under .ci/run) and members that
 * serve /metrics, i.e. the Micrometer Prometheus registry in the demo's runtime (skipped with a message until the
 * metrics issue is merged; then it must pass).
 */
class RealPrometheusTest {
    private static final Duration ALERT_WAIT = Duration.ofSeconds(60);

    @Test
    void killMinus9_firesTheMemberAlert_andRedundancyIsRebuilt() throws Exception {
        killMinus9(false);
    }

    @Test
    void killMinus9_firesTheReplicaAlert_whichResolvesWhenRedundancyIsRebuilt() throws Exception {
        killMinus9(true);
    }

    private void killMinus9(boolean replicaAlert) throws Exception {
        Tools.require("prometheus");
        Path lib = Repo.path("demo/target/lib");
        Assumptions.assumeTrue(Files.isRegularFile(Repo.path("demo/target/demo-0.1.0-SNAPSHOT.jar")) && Files.isDirectory(lib),
                "demo is not packaged (demo/target): run this test in mvn verify, after the demo's package phase");
        try (Stream<Path> jars = Files.list(lib)) {
            Assumptions.assumeTrue(jars.anyMatch(p -> p.getFileName().toString().startsWith("micrometer-registry-prometheus")),
                    "the demo's members serve no /metrics yet (no micrometer-registry-prometheus in demo/target/lib): "
                            + "needs the Micrometer binder of the metrics issue");
        }
        try (DemoCluster cluster = DemoCluster.start(3)) {
            for (int m = 1; m <= 3; m++) {
                assertThat(get("http://127.0.0.1:" + cluster.httpPort(m) + "/metrics")).as("GET /metrics of m%d", m).isEqualTo(200);
            }
            cluster.verb(60, "prometheus", "--drill");
            PrometheusApi prom = new PrometheusApi(cluster.prometheusPort);

            await("3 targets up, 3 members, full redundancy").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> prom.scalar("sum(up{job=\"tessera\"})") == 3
                            && prom.scalar("max(tessera_members)") == 3
                            && prom.scalar("max(tessera_partitions_underreplicated)") == 0
                            && prom.scalar("max(tessera_partitions_migrating)") == 0);
            assertThat(prom.firing("TesseraMembersBelowExpected")).isFalse();
            assertThat(prom.firing("TesseraPartitionsUnderReplicated")).isFalse();
            if (replicaAlert) { // the rebuild copies but commits nothing until released (class comment)
                for (int m = 1; m <= 3; m++) {
                    assertThat(post(cluster, m, "/admin/commits/hold")).as("hold on m%d", m).startsWith("holding");
                }
            }

            cluster.verb(30, "kill", "m3");

            await("TesseraMembersBelowExpected fires").atMost(ALERT_WAIT).pollInterval(Duration.ofMillis(500))
                    .until(() -> prom.firing("TesseraMembersBelowExpected"));
            assertThat(prom.scalar("max(tessera_members)")).isEqualTo(2);
            if (replicaAlert) {
                await("TesseraPartitionsUnderReplicated fires").atMost(ALERT_WAIT).pollInterval(Duration.ofMillis(500))
                        .until(() -> prom.firing("TesseraPartitionsUnderReplicated"));
                // m3 was primary or backup of about 2/3 of the 271 partitions
                assertThat(prom.scalar("max(tessera_partitions_underreplicated)")).as("partitions without their backup")
                        .isGreaterThan(90);
                for (int m = 1; m <= 2; m++) {
                    assertThat(post(cluster, m, "/admin/commits/release")).as("release on m%d", m).startsWith("released");
                }
                await("TesseraPartitionsUnderReplicated resolved, redundancy rebuilt").atMost(ALERT_WAIT).pollInterval(Duration.ofMillis(500))
                        .until(() -> prom.query("ALERTS{alertname=\"TesseraPartitionsUnderReplicated\"}").isEmpty()
                                && prom.scalar("max(tessera_partitions_underreplicated)") == 0);
            }
            await("redundancy rebuilt").atMost(ALERT_WAIT).pollInterval(Duration.ofMillis(500))
                    .until(() -> prom.scalar("max(tessera_partitions_underreplicated)") == 0
                            && prom.scalar("max(tessera_partitions_migrating)") == 0);
            assertThat(prom.firing("TesseraMembersBelowExpected")).as("still two of three members").isTrue();
        }
    }

    /** POSTs to a member's test-only admin endpoint; the answer's text, after asserting 200. */
    private static String post(DemoCluster cluster, int member, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + cluster.httpPort(member) + path);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("POST %s: %s", uri, r.body()).isEqualTo(200);
        return r.body();
    }

    private static int get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
