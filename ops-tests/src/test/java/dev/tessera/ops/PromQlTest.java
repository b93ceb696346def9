package dev.tessera.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The name extraction that the contract checks rely on. */
class PromQlTest {

    @Test
    void findsMetricNames_notFunctionsLabelsKeywordsOrVariables() {
        assertThat(PromQl.metricNames("sum by (cluster, map) (rate(tessera_map_gets_seconds_count{map=~\"$map\", result=\"hit\"}[$__rate_interval]))"
                + " / on (cluster) group_left () max by (cluster) (tessera:members:max) > 0.5 and bool x_total offset 5m"))
                .containsExactlyInAnyOrder("tessera_map_gets_seconds_count", "tessera:members:max", "x_total");
    }

    @Test
    void contract_expandsTimers_andKeepsPlainSeries() throws Exception {
        assertThat(MetricContract.prometheusNames()).contains("tessera_map_puts_seconds_count", "tessera_map_puts_seconds_sum",
                "tessera_map_puts_seconds_max", "tessera_partitions_underreplicated", "tessera_messages_rejected_total")
                .doesNotContain("tessera_map_puts");
    }
}
