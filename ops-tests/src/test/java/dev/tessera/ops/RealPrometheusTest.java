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
 * <p>Why the members' migrations are throttled (2 MiB/s each, {@code -Dtessera.demo.migrationRate}, the
 * {@code GridBuilder.migrationRateLimit} an operator sets to slow a large rebalance): unthrottled, the survivors'
 * partitions are under-replicated only from the view change to the last new backup's commit, measured 0.8-1.3 s here
 * even with 192 MB to re-copy (100-160 MB/s over loopback), and the members' Micrometer binder re-reads the gauge at
 * most once a second, i.e. at every second or third 500 ms scrape: about half the runs missed the window (issue 19).
 * Throttled, the ~16 MB each survivor re-copies of the 48 MB preload take about 8 s: the partitions stay really
 * under-replicated (the gauge counts committed live owners) over a dozen scrapes, and the alert resolves when the
 * throttled copies have rebuilt redundancy, on their own.
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
            // 48 MB in 64 values: each survivor re-copies ~16 MB after the kill, ~8 s at 2 MiB/s
            preload(cluster, 64, 768 * 1024);
            cluster.verb(60, "prometheus", "--drill");
            PrometheusApi prom = new PrometheusApi(cluster.prometheusPort);

            await("3 targets up, 3 members, full redundancy").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> prom.scalar("sum(up{job=\"tessera\"})") == 3
                            && prom.scalar("max(tessera_members)") == 3
                            && prom.scalar("max(tessera_partitions_underreplicated)") == 0
                            && prom.scalar("max(tessera_partitions_migrating)") == 0);
            // neither alert fires before the kill (right after Prometheus starts, a member's first readings may still
            // be the binder's cached figures from before all three had joined: awaited, not asserted at one instant)
            await("no alert firing before the kill").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> !prom.firing("TesseraMembersBelowExpected") && !prom.firing("TesseraPartitionsUnderReplicated"));

            cluster.crash("m3");

            await("TesseraMembersBelowExpected fires").atMost(ALERT_WAIT).pollInterval(Duration.ofMillis(500))
                    .until(() -> prom.firing("TesseraMembersBelowExpected"));
            assertThat(prom.scalar("max(tessera_members)")).isEqualTo(2);
            if (replicaAlert) {
                await("TesseraPartitionsUnderReplicated fires").atMost(ALERT_WAIT).pollInterval(Duration.ofMillis(500))
                        .until(() -> prom.firing("TesseraPartitionsUnderReplicated"));
                assertThat(prom.scalar("max_over_time(max(tessera_partitions_underreplicated)[1m:500ms])"))
                        .as("partitions without their backup, at most: m3 held a replica of about 2/3 of the 271").isGreaterThan(60);
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

    private static void preload(DemoCluster cluster, int values, int bytes) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String value = "x".repeat(bytes);
        for (int i = 0; i < values; i++) {
            URI uri = URI.create("http://127.0.0.1:" + cluster.httpPort(1 + i % 3) + "/kv/bulk/k" + i);
            int status = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .PUT(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            assertThat(status).as("PUT %s", uri).isIn(200, 201);
        }
    }

    private static int get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
