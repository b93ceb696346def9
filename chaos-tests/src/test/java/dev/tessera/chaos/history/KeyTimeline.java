package dev.tessera.chaos.history;

import dev.tessera.chaos.harness.ChaosCluster;
import dev.tessera.demo.admin.OpRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Prints every recorded operation on one key of a finished chaos run, from the members' journals, in invocation
 * order with times relative to a reference write (or to the first operation): the tool for reading a failure.
 *
 * <pre>
 * mvn -q -o org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -pl chaos-tests -Dmdep.outputFile=/tmp/cp.txt
 * java -cp "chaos-tests/target/test-classes:$(cat /tmp/cp.txt)" dev.tessera.chaos.history.KeyTimeline \
 *      chaos-tests/target/chaos/partition-consistent-3v2-... k22 [m5-t1-171]
 * </pre>
 */
public final class KeyTimeline {
    private KeyTimeline() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: KeyTimeline <run directory> <key> [value of the reference write]");
            System.exit(1);
        }
        for (String line : timeline(Path.of(args[0]), args[1], args.length > 2 ? args[2] : null)) {
            System.out.println(line);
        }
    }

    public static List<String> timeline(Path runDir, String key, String reference) throws IOException {
        List<OpRecord> ops = new ArrayList<>();
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path j : files.filter(f -> f.toString().endsWith(".journal")).toList()) {
                ChaosCluster.readJournal(j).stream().filter(r -> r.key().equals(key)).forEach(ops::add);
            }
        }
        ops.sort(Comparator.comparingLong(OpRecord::invokeNanos));
        long t0 = ops.isEmpty() ? 0 : ops.get(0).invokeNanos();
        for (OpRecord r : ops) {
            if (r.write() && r.value().equals(reference)) {
                t0 = r.invokeNanos();
            }
        }
        List<String> out = new ArrayList<>();
        for (OpRecord r : ops) {
            out.add(String.format("%-8s %s %-16s [%+.3f, %s] %s %s", r.member() + "/" + r.thread(), r.write() ? "W" : "R",
                    r.value(), (r.invokeNanos() - t0) / 1e9,
                    r.completeNanos() < 0 ? "?" : String.format("%+.3f", (r.completeNanos() - t0) / 1e9),
                    r.outcome(), r.error() == null ? "" : r.error()));
        }
        return out;
    }
}
