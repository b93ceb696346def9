package dev.tessera.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus series names of docs/monitoring/metrics-contract.md (the table's last column). A Timer row
 * stands for its {@code _seconds_count}, {@code _seconds_sum} and {@code _seconds_max} series.
 */
final class MetricContract {
    private static final Pattern NAME = Pattern.compile("\\b[a-z][a-z0-9_]*_[a-z0-9_]+\\b");

    private MetricContract() {}

    static Path file() {
        return Repo.path("docs/monitoring/metrics-contract.md");
    }

    static Set<String> prometheusNames() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String line : Tools.lines(file())) {
            if (!line.startsWith("| ") || line.startsWith("| Micrometer") || line.startsWith("|---")) {
                continue;
            }
            String[] cells = line.split("\\|");
            String type = cells[2];
            String series = cells[cells.length - 1].trim();
            Matcher m = NAME.matcher(series);
            if (!m.find()) {
                continue;
            }
            String first = m.group();
            if (type.contains("Timer")) {
                String base = first.replaceFirst("_seconds_(count|sum|max)$", "");
                names.add(base + "_seconds_count");
                names.add(base + "_seconds_sum");
                names.add(base + "_seconds_max");
            } else {
                names.add(first);
            }
        }
        if (names.size() < 20) {
            throw new IllegalStateException("read only " + names.size() + " metric names from " + file() + ": " + names);
        }
        return names;
    }
}
