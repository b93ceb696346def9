package dev.tessera.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The runbook's drills stay true: each drill uses only verbs demo/cluster.sh has, names the test that plays it,
 * and that test exists; every metric the runbook mentions is in the contract (or a recording rule of alerts.yml).
 */
class RunbookTest {
    private static final Pattern DRILL_ROW = Pattern.compile("^\\| \\*\\*(.+?)\\*\\*.*\\|([^|]*)\\|\\s*$");
    private static final Pattern TEST_CLASS = Pattern.compile("`(\\w+Test)`");
    private static final Pattern VERB = Pattern.compile("demo/cluster\\.sh (\\w+)");
    private static final Pattern METRIC = Pattern.compile("\\b(tessera[_:][a-z_:]+|jvm_[a-z_]+)");

    @Test
    void everyDrill_namesATestThatExists_andUsesRealVerbs() throws IOException {
        List<String> runbook = Tools.lines(Repo.path("docs/runbook.md"));
        Set<String> testClasses = testClassesInRepo();
        String script = Files.readString(Repo.path("demo/cluster.sh"));
        List<String> drills = new ArrayList<>();
        for (String line : runbook) {
            Matcher row = DRILL_ROW.matcher(line);
            if (!row.matches()) {
                continue;
            }
            drills.add(row.group(1));
            Matcher test = TEST_CLASS.matcher(row.group(2));
            int named = 0;
            while (test.find()) {
                named++;
                assertThat(testClasses).as("drill %s is checked by %s", row.group(1), test.group(1)).contains(test.group(1));
            }
            assertThat(named).as("tests named by drill %s", row.group(1)).isPositive();
            Matcher verb = VERB.matcher(line);
            while (verb.find()) {
                assertThat(script).as("drill %s uses 'demo/cluster.sh %s'", row.group(1), verb.group(1))
                        .contains("  " + verb.group(1) + ") cmd_");
            }
        }
        assertThat(drills).contains("Kill", "Pause", "Partition", "Rolling restart", "Scale down by two", "Add");
    }

    @Test
    void everyMetricTheRunbookMentions_isInTheContract() throws IOException {
        Set<String> allowed = new TreeSet<>(MetricContract.prometheusNames());
        allowed.addAll(AlertRules.read().records.keySet());
        Set<String> mentioned = new TreeSet<>();
        Matcher m = METRIC.matcher(Files.readString(Repo.path("docs/runbook.md")));
        while (m.find()) {
            mentioned.add(m.group(1));
        }
        assertThat(mentioned).hasSizeGreaterThanOrEqualTo(10).isSubsetOf(allowed);
    }

    private static Set<String> testClassesInRepo() throws IOException {
        try (Stream<Path> files = Files.walk(Repo.root(), 12)) {
            return files.filter(p -> p.toString().contains("/src/test/java/") && p.toString().endsWith("Test.java"))
                    .map(p -> p.getFileName().toString().replace(".java", ""))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
