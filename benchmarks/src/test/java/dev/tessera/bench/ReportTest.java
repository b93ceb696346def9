package dev.tessera.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every target ratio is Tessera against the better peer on that figure (issue 17). */
class ReportTest {
    private static Report.Run run(String test, String store, Map<String, Double> values) {
        return new Report.Run(test, store, 1, values, null, 1, "");
    }

    private static Report.Figure figure(String key) {
        return Report.FIGURES.stream().filter(f -> f.test().equals("W1") && f.key().equals(key)).findFirst().orElseThrow();
    }

    private final List<Report.Run> runs = new ArrayList<>(List.of(
            run("W1", "tessera", Map.of("ops", 100.0, "get.p99", 10.0)),
            run("W1", "hazelcast", Map.of("ops", 40.0, "get.p99", 20.0)),
            run("W1", "hazelcast57", Map.of("ops", 50.0, "get.p99", 18.0)),
            run("W1", "infinispan", Map.of("ops", 30.0, "get.p99", 15.0)),
            // not a peer: the floor and the like-for-like store never set the bar
            run("W1", "jgroups-raw", Map.of("ops", 500.0, "get.p99", 1.0)),
            run("W1", "tessera-rfb", Map.of("ops", 400.0, "get.p99", 2.0))));

    @Test
    void throughputIsAgainstTheFastestPeer() {
        Report r = new Report(runs, Map.of());
        Report.Figure ops = figure("ops");

        assertThat(r.bestPeer(ops)).isEqualTo("hazelcast57");
        assertThat(r.status(ops)).isEqualTo("met (2.00)");
    }

    @Test
    void latencyIsAgainstTheLowestPeer() {
        Report r = new Report(runs, Map.of());
        Report.Figure p99 = figure("get.p99");

        assertThat(r.bestPeer(p99)).isEqualTo("infinispan");
        assertThat(r.status(p99)).isEqualTo("met (0.67)");
    }

    @Test
    void withoutPeersThereIsNoRatio() {
        Report r = new Report(List.of(run("W1", "tessera", Map.of("ops", 100.0))), Map.of());

        assertThat(r.bestPeer(figure("ops"))).isNull();
        assertThat(r.status(figure("ops"))).isEqualTo("n/a");
    }

    @Test
    void theFloorRowDividesTesseraByTheRawRoundTrip() {
        runs.add(run("W2", "tessera", Map.of("ops", 60.0, "get.remote.p50", 300.0)));
        runs.add(run("W2", "jgroups-raw", Map.of("ops", 100.0, "get.p50", 200.0)));

        assertThat(new Report(runs, Map.of()).comparisons())
                .anyMatch(l -> l.contains("W2 floor") && l.contains("= 0.60") && l.contains("300 / 200 us = 1.50"));
    }
}
