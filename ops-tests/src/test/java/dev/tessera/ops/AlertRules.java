package dev.tessera.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads alerts.yml's alert and recording rules (name → expression) without a YAML library: our own file, fixed shape. */
final class AlertRules {
    private static final Pattern RULE = Pattern.compile("^\\s*- (alert|record): (\\S+)\\s*$");
    private static final Pattern EXPR = Pattern.compile("^(\\s*)expr: ?(.*)$");

    final Map<String, String> alerts = new LinkedHashMap<>();
    final Map<String, String> records = new LinkedHashMap<>();

    static Path file() {
        return Repo.path("docs/monitoring/alerts.yml");
    }

    static AlertRules read() throws IOException {
        AlertRules rules = new AlertRules();
        List<String> lines = Tools.lines(file());
        String kind = null;
        String name = null;
        for (int i = 0; i < lines.size(); i++) {
            Matcher rule = RULE.matcher(lines.get(i));
            if (rule.matches()) {
                kind = rule.group(1);
                name = rule.group(2);
                continue;
            }
            Matcher expr = EXPR.matcher(lines.get(i));
            if (expr.matches() && name != null) {
                StringBuilder text = new StringBuilder();
                if (expr.group(2).trim().equals("|")) {
                    int indent = expr.group(1).length();
                    while (i + 1 < lines.size() && (lines.get(i + 1).isBlank() || leading(lines.get(i + 1)) > indent)) {
                        text.append(lines.get(++i).trim()).append('\n');
                    }
                } else {
                    text.append(expr.group(2).trim());
                }
                (kind.equals("alert") ? rules.alerts : rules.records).put(name, text.toString().trim());
                name = null;
            }
        }
        return rules;
    }

    private static int leading(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }
}
