package dev.tessera.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/monitoring/alerts.yml is valid, its promtool unit tests pass, and every alert has a case where it fires,
 * a case where it stays silent, a runbook section, and queries only metrics of the contract.
 */
class PromtoolRulesTest {

    @Test
    void promtoolCheckRules_acceptsTheRuleFile() throws Exception {
        Path promtool = Tools.require("promtool");
        Tools.Result r = Tools.run(Repo.path("docs/monitoring"), Map.of(), 60, promtool.toString(), "check", "rules", "alerts.yml");
        assertThat(r.exitCode()).as("promtool check rules:\n%s", r.output()).isZero();
        int alerts = AlertRules.read().alerts.size();
        int records = AlertRules.read().records.size();
        assertThat(r.output()).contains("SUCCESS: " + (alerts + records) + " rules found");
    }

    @Test
    void promtoolTestRules_everyCasePasses() throws Exception {
        Path promtool = Tools.require("promtool");
        Tools.Result r = Tools.run(Repo.path("docs/monitoring"), Map.of(), 120, promtool.toString(), "test", "rules", "alerts-test.yml");
        assertThat(r.exitCode()).as("promtool test rules:\n%s", r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void everyAlert_hasAFiringAndASilentCase() throws Exception {
        Map<String, int[]> cases = new TreeMap<>(); // alert -> {firing, silent}
        List<String> lines = Tools.lines(Repo.path("docs/monitoring/alerts-test.yml"));
        Pattern alertname = Pattern.compile("^\\s*alertname: (\\S+)\\s*$");
        for (int i = 0; i + 1 < lines.size(); i++) {
            Matcher m = alertname.matcher(lines.get(i));
            if (m.matches()) {
                String next = lines.get(i + 1).trim();
                int[] counts = cases.computeIfAbsent(m.group(1), k -> new int[2]);
                if (next.equals("exp_alerts: []")) {
                    counts[1]++;
                } else if (next.equals("exp_alerts:")) {
                    counts[0]++;
                }
            }
        }
        Set<String> alerts = AlertRules.read().alerts.keySet();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(12);
        for (String alert : alerts) {
            int[] counts = cases.getOrDefault(alert, new int[2]);
            assertThat(counts[0]).as("%s: cases where it fires", alert).isPositive();
            assertThat(counts[1]).as("%s: cases where it stays silent", alert).isPositive();
        }
        assertThat(cases.keySet()).as("tests of alerts that do not exist").isSubsetOf(alerts);
    }

    @Test
    void everyAlert_queriesOnlyContractMetrics_andHasARunbookSection() throws Exception {
        AlertRules rules = AlertRules.read();
        Set<String> allowed = new HashSet<>(MetricContract.prometheusNames());
        allowed.addAll(rules.records.keySet());
        String runbook = String.join("\n", Tools.lines(Repo.path("docs/runbook.md")));
        for (Map.Entry<String, String> rule : rules.alerts.entrySet()) {
            assertThat(PromQl.metricNames(rule.getValue())).as("metrics of %s: %s", rule.getKey(), rule.getValue())
                    .isNotEmpty().isSubsetOf(allowed);
            assertThat(runbook).as("runbook section for %s", rule.getKey()).contains("### " + rule.getKey() + "\n");
        }
        for (Map.Entry<String, String> rule : rules.records.entrySet()) {
            assertThat(PromQl.metricNames(rule.getValue())).as("metrics of %s", rule.getKey()).isSubsetOf(allowed);
        }
    }
}
