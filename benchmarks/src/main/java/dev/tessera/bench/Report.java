package dev.tessera.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Aggregates runs into figures (median, min–max per store, ratio Tessera / the better peer) and writes them out. */
final class Report {

    /** One run of one test on one store. */
    record Run(String test, String store, int rep, Map<String, Double> values, String error, double seconds, String loadavg) {}

    /**
     * A figure of the table.
     *
     * @param target      text of the target, or empty
     * @param check       how the target is checked: "ratio>=x", "ratio<=x", "chm<=x" (Tessera / CHM),
     *                    "ideal<=x" (Tessera / the run's ideal value), or "" for none
     * @param idealKey    key of the ideal value in the run, for "ideal" checks and the reference column
     */
    record Figure(String test, String key, String label, String unit, String target, String check, String idealKey) {}

    static final List<Figure> FIGURES = List.of(
            new Figure("W1", "ops", "W1 90/10 throughput", "ops/s", ">= 1.5x", "ratio>=1.5", null),
            new Figure("W1", "get.p50", "W1 get p50", "us", "", "", null),
            new Figure("W1", "get.remote.p50", "W1 get p50, primary elsewhere", "us", "", "", null),
            new Figure("W1", "get.p99", "W1 get p99", "us", "<= 0.7x", "ratio<=0.7", null),
            new Figure("W1", "get.p999", "W1 get p99.9", "us", "", "", null),
            new Figure("W1", "put.p50", "W1 put p50", "us", "", "", null),
            new Figure("W1", "put.p99", "W1 put p99", "us", "<= 0.7x", "ratio<=0.7", null),
            new Figure("W1", "put.p999", "W1 put p99.9", "us", "", "", null),
            new Figure("W1", "cpu.usPerOp", "W1 CPU per op, 3 JVMs", "us", "", "", null),
            new Figure("W2", "ops", "W2 50/50 throughput", "ops/s", ">= 1.5x", "ratio>=1.5", null),
            new Figure("W2", "get.p50", "W2 get p50", "us", "", "", null),
            new Figure("W2", "get.remote.p50", "W2 get p50, primary elsewhere", "us", "", "", null),
            new Figure("W2", "get.p99", "W2 get p99", "us", "<= 0.7x", "ratio<=0.7", null),
            new Figure("W2", "get.p999", "W2 get p99.9", "us", "", "", null),
            new Figure("W2", "put.p50", "W2 put p50", "us", "", "", null),
            new Figure("W2", "put.p99", "W2 put p99", "us", "<= 0.7x", "ratio<=0.7", null),
            new Figure("W2", "put.p999", "W2 put p99.9", "us", "", "", null),
            new Figure("W2", "cpu.usPerOp", "W2 CPU per op, 3 JVMs", "us", "", "", null),
            new Figure("W3", "ops", "W3 near cache throughput", "ops/s", ">= 1.5x", "ratio>=1.5", null),
            new Figure("W3", "get.p50", "W3 get p50", "us", "", "", null),
            new Figure("W3", "get.p99", "W3 get p99", "us", "", "", null),
            new Figure("W3", "nearcache.hitsPerGet", "W3 near-cache hits per get (ceiling ~60%)", "", "", "", null),
            new Figure("W3", "cpu.usPerOp", "W3 CPU per op, 3 JVMs", "us", "", "", null),
            new Figure("W4", "ops", "W4 one member throughput", "ops/s", "", "", null),
            new Figure("W4", "get.p50", "W4 get p50", "us", "<= 2x CHM", "chm<=2", null),
            new Figure("W4", "get.p99", "W4 get p99", "us", "", "", null),
            new Figure("W4", "put.p50", "W4 put p50", "us", "", "", null),
            new Figure("W4", "cpu.usPerOp", "W4 CPU per op", "us", "", "", null),
            new Figure("CHM", "ops", "CHM reference throughput", "ops/s", "", "", null),
            new Figure("CHM", "get.p50", "CHM reference get p50", "us", "", "", null),
            new Figure("CHM", "cpu.usPerOp", "CHM reference CPU per op", "us", "", "", null),
            new Figure("memory", "bytesPerEntry", "heap bytes/entry (1M x 100 B)", "B", "<= 0.7x", "ratio<=0.7", null),
            new Figure("rebalance", "joinToDoneMs", "rebalance join -> done", "ms", "<= 0.5x", "ratio<=0.5", null),
            new Figure("rebalance", "launchToJoinMs", "rebalance launch -> join", "ms", "", "", null),
            new Figure("rebalance", "primariesMoved", "primaries moved", "", "<= 1.1x ideal", "ideal<=1.1", "idealPrimariesMoved"),
            new Figure("rebalance", "entriesCopied", "entries copied to new member", "", "", "", "idealEntriesCopied"),
            new Figure("rebalance", "sizeAfter", "size after rebalance", "", "", "", null),
            new Figure("rebalance", "sourceHeapPeakMB", "rebalance peak heap, a source (sampled)", "MB", "", "", null),
            new Figure("rebalance", "sourceHeapAfterGcPeakMB", "rebalance peak heap after GC, a source", "MB", "", "", null),
            new Figure("rebalance", "targetHeapPeakMB", "rebalance peak heap, the newcomer (sampled)", "MB", "", "", null),
            new Figure("rebalance", "targetHeapAfterGcPeakMB", "rebalance peak heap after GC, the newcomer", "MB", "", "", null));

    private final List<Run> runs;
    private final Map<String, String> meta;

    Report(List<Run> runs, Map<String, String> meta) {
        this.runs = runs;
        this.meta = meta;
    }

    /** Median, min, max and count of one figure of one store, or null if no run has it. */
    record Stat(double median, double min, double max, int n) {}

    Stat stat(String test, String store, String key) {
        List<Double> v = new ArrayList<>();
        for (Run r : runs) {
            if (r.test.equals(test) && r.store.equals(store) && r.error == null && r.values.containsKey(key)) {
                v.add(r.values.get(key));
            }
        }
        if (v.isEmpty()) {
            return null;
        }
        Collections.sort(v);
        int n = v.size();
        double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
        return new Stat(median, v.get(0), v.get(n - 1), n);
    }

    /** The peers of issue 17: every target ratio is Tessera against the better of them on that figure. */
    static final List<String> PEERS = List.of("hazelcast", "hazelcast57", "infinispan");
    /** What beside the figures says about a store. */
    static final Map<String, String> NOTES = Map.of(
            "tessera-rfb", "Tessera with readFromBackup: a get is local where this member has the primary or the backup (~2/3 on 3 members), as in Infinispan",
            "infinispan", "Infinispan 16.0.3: a get is served by any owner (~2/3 local on 3 members, against ~1/3 for Tessera and Hazelcast); keeps values as objects, not bytes; W3 near cache = its L1 (hits counted by a peek before each get of a non-owned key)",
            "hazelcast57", "Hazelcast 5.7.0 (own class path)",
            "jgroups-raw", "the floor: one raw request/response per operation over Tessera's JGroups stack to one member answering from a map");

    private Stat tessera(Figure f) {
        return stat(f.test, f.test.equals("CHM") ? "chm" : "tessera", f.key);
    }

    /** Throughput and hit ratios are better higher; times and bytes lower. */
    static boolean higherIsBetter(Figure f) {
        return f.key.equals("ops") || f.key.endsWith("PerGet") || f.key.endsWith("Ratio");
    }

    /** The better peer on this figure (name), or null if no peer has it. */
    String bestPeer(Figure f) {
        if (f.test.equals("CHM")) {
            return null;
        }
        String best = null;
        double bestValue = 0;
        for (String peer : PEERS) {
            Stat st = stat(f.test, peer, f.key);
            if (st != null && (best == null || (higherIsBetter(f) ? st.median > bestValue : st.median < bestValue))) {
                best = peer;
                bestValue = st.median;
            }
        }
        return best;
    }

    private Stat bestPeerStat(Figure f) {
        String peer = bestPeer(f);
        return peer == null ? null : stat(f.test, peer, f.key);
    }

    /** The reference column: CHM where there is one, else the ideal value. */
    private Stat reference(Figure f) {
        if (f.idealKey != null) {
            return stat(f.test, "tessera", f.idealKey) != null ? stat(f.test, "tessera", f.idealKey) : stat(f.test, "hazelcast", f.idealKey);
        }
        if (f.test.equals("memory")) {
            return stat("memory", "chm", f.key);
        }
        if (f.test.equals("W4") && f.key.equals("get.p50")) {
            return stat("CHM", "chm", "get.p50");
        }
        return null;
    }

    static Double ratio(Stat a, Stat b) {
        return a == null || b == null || b.median == 0 ? null : a.median / b.median;
    }

    /** "met", "NOT met" or "" (no target / not measured); ratio targets are against the better peer. */
    String status(Figure f) {
        if (f.check.isEmpty()) {
            return "";
        }
        String[] c = f.check.split("(<=|>=)");
        double limit = Double.parseDouble(c[1]);
        boolean atLeast = f.check.contains(">=");
        Double value = switch (c[0]) {
            case "ratio" -> ratio(tessera(f), bestPeerStat(f));
            case "chm", "ideal" -> ratio(tessera(f), reference(f));
            default -> null;
        };
        if (value == null) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%s (%.2f)", (atLeast ? value >= limit : value <= limit) ? "met" : "NOT met", value);
    }

    /** The stores measured in this run (CHM apart), in {@link Bench#STORES} order. */
    List<String> storesInRun() {
        List<String> out = new ArrayList<>();
        for (String s : Bench.STORES) {
            if (!s.equals("chm") && runs.stream().anyMatch(r -> r.store.equals(s))) {
                out.add(s);
            }
        }
        return out;
    }

    void printTable(PrintStream out) {
        if (meta.getOrDefault("mode", "").startsWith("QUICK")) {
            out.println("QUICK RUN (fewer keys, short windows, 1 repetition): NOT comparable with the reference figures");
        }
        List<String> stores = storesInRun();
        StringBuilder head = new StringBuilder("| figure |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String s : stores) {
            head.append(' ').append(s).append(" median (min-max) |");
            rule.append("---|");
        }
        out.println(head + " Tessera / better peer | reference | target | status |");
        out.println(rule + "---|---|---|---|");
        for (Figure f : FIGURES) {
            Stat t = tessera(f);
            Stat ref = reference(f);
            boolean any = t != null || ref != null || stores.stream().anyMatch(s -> stat(f.test, s, f.key) != null);
            if (!any) {
                continue;
            }
            String peer = bestPeer(f);
            Double r = ratio(t, bestPeerStat(f));
            String refText = ref == null ? "" : (f.idealKey != null ? "ideal " : "CHM ") + fmt(ref.median, f);
            if (f.test.equals("W4") && f.key.equals("get.p50") && ref != null && t != null) {
                refText += String.format(Locale.ROOT, " (Tessera/CHM %.2f)", t.median / ref.median);
            }
            StringBuilder row = new StringBuilder("| " + f.label + (f.unit.isEmpty() ? "" : " (" + f.unit + ")") + " |");
            for (String s : stores) {
                Stat st = f.test.equals("CHM") ? (s.equals("tessera") ? t : null) : stat(f.test, s, f.key);
                row.append(' ').append(cell(st, f)).append(" |");
            }
            row.append(' ').append(r == null ? "" : String.format(Locale.ROOT, "%.2f (%s)", r, peer)).append(" | ")
                    .append(refText).append(" | ").append(f.target).append(" | ").append(status(f)).append(" |");
            out.println(row);
        }
        printComparisons(out);
        printHotKey(out);
        for (String s : stores) {
            if (NOTES.containsKey(s)) {
                out.println("- " + s + ": " + NOTES.get(s));
            }
        }
        int errors = 0;
        for (Run run : runs) {
            if (run.error != null) {
                errors++;
                out.println("FAILED: " + run.test + " " + run.store + " rep " + run.rep + ": " + firstLine(run.error));
            }
            Double misses = run.values.get("misses");
            Double errs = run.values.get("errors");
            Double lost = run.values.get("lost");
            if ((misses != null && misses > 0) || (errs != null && errs > 0) || (lost != null && lost != 0)) {
                out.printf("NOTE: %s %s rep %d: %.0f misses, %.0f errors, %.0f lost%n", run.test, run.store, run.rep,
                        misses == null ? 0 : misses, errs == null ? 0 : errs, lost == null ? 0 : lost);
            }
        }
        if (errors == 0) {
            out.println("(all runs completed; misses, errors and lost increments are 0 unless noted)");
        }
    }

    /** Like for like (readFromBackup against Infinispan) and the floor (Tessera against raw JGroups). */
    private void printComparisons(PrintStream out) {
        List<String> lines = comparisons();
        if (!lines.isEmpty()) {
            out.println();
            out.println("| comparison | figures |");
            out.println("|---|---|");
            lines.forEach(out::println);
        }
    }

    /** The rows of {@link #printComparisons}, also written to results.json. */
    List<String> comparisons() {
        List<String> lines = new ArrayList<>();
        for (String test : List.of("W1", "W2")) {
            Figure ops = new Figure(test, "ops", "", "ops/s", "", "", null);
            Figure p50 = new Figure(test, "get.p50", "", "us", "", "", null);
            Stat rfb = stat(test, "tessera-rfb", "ops");
            Stat ispn = stat(test, "infinispan", "ops");
            if (rfb != null && ispn != null) {
                lines.add(String.format(Locale.ROOT, "| %s like for like: tessera-rfb / infinispan | throughput %s / %s = %.2f; get p50 %s / %s us = %s |",
                        test, fmt(rfb.median, ops), fmt(ispn.median, ops), rfb.median / ispn.median,
                        str(stat(test, "tessera-rfb", "get.p50"), p50), str(stat(test, "infinispan", "get.p50"), p50),
                        nullRatio(stat(test, "tessera-rfb", "get.p50"), stat(test, "infinispan", "get.p50"))));
            }
            Stat raw = stat(test, "jgroups-raw", "ops");
            Stat t = stat(test, "tessera", "ops");
            if (raw != null && t != null) {
                Stat tRemote = stat(test, "tessera", "get.remote.p50");
                Stat rawGet = stat(test, "jgroups-raw", "get.p50");
                lines.add(String.format(Locale.ROOT, "| %s floor: tessera / jgroups-raw | throughput %s / %s = %.2f; remote get p50 %s / %s us = %s |",
                        test, fmt(t.median, ops), fmt(raw.median, ops), t.median / raw.median, str(tRemote, p50), str(rawGet, p50),
                        nullRatio(tRemote, rawGet)));
            }
        }
        return lines;
    }

    /** Hot key (issue 14): one row per store and variant, and Tessera's variants against the better peer. */
    private void printHotKey(PrintStream out) {
        List<String> labels = new ArrayList<>();
        for (Run r : runs) {
            if (r.test.equals("hotkey") && !labels.contains(r.store)) {
                labels.add(r.store);
            }
        }
        if (labels.isEmpty()) {
            return;
        }
        Figure ops = new Figure("hotkey", "ops", "", "ops/s", "", "", null);
        Figure us = new Figure("hotkey", "op.p50", "", "us", "", "", null);
        Figure retries = new Figure("hotkey", "retriesPerOp", "", "", "", "", null);
        Stat bestPeer = null;
        String bestName = null;
        for (String l : labels) {
            Stat st = stat("hotkey", l, "ops");
            if (!l.startsWith("tessera") && st != null && (bestPeer == null || st.median > bestPeer.median)) {
                bestPeer = st;
                bestName = l;
            }
        }
        out.println();
        out.println("| hot key: 3 members x 8 threads, one key | ops/s median (min-max) | retries per op | m1 op p50 / p99 (us) | lost increments | Tessera / better peer |");
        out.println("|---|---|---|---|---|---|");
        for (String l : labels) {
            Stat st = stat("hotkey", l, "ops");
            Stat re = stat("hotkey", l, "retriesPerOp");
            Stat lost = stat("hotkey", l, "lost");
            String vs = l.startsWith("tessera") && st != null && bestPeer != null
                    ? String.format(Locale.ROOT, "%.2f (%s)", st.median / bestPeer.median, bestName) : "";
            out.printf("| %s | %s | %s | %s / %s | %s | %s |%n", l, cell(st, ops),
                    re == null ? "" : String.format(Locale.ROOT, "%.3f", re.median),
                    str(stat("hotkey", l, "op.p50"), us), str(stat("hotkey", l, "op.p99"), us),
                    lost == null ? "" : String.format(Locale.ROOT, "%.0f", lost.max), vs);
        }
    }

    private static String str(Stat s, Figure f) {
        return s == null ? "-" : fmt(s.median, f);
    }

    private static String nullRatio(Stat a, Stat b) {
        Double r = ratio(a, b);
        return r == null ? "-" : String.format(Locale.ROOT, "%.2f", r);
    }

    /** Rebuilds the runs of a results.csv (to re-render a table). */
    static List<Run> readCsv(Path csv) throws IOException {
        Map<String, Run> runs = new java.util.LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", 5);
            String id = f[0] + "," + f[1] + "," + f[2];
            Run r = runs.computeIfAbsent(id, k -> new Run(f[0], f[1], Integer.parseInt(f[2]), new java.util.HashMap<>(), null, 0, ""));
            if (f[3].equals("error")) {
                runs.put(id, new Run(r.test, r.store, r.rep, r.values, f[4], 0, ""));
            } else if (!f[4].equals("null")) {
                r.values.put(f[3], Double.parseDouble(f[4]));
            }
        }
        return new ArrayList<>(runs.values());
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String cell(Stat s, Figure f) {
        if (s == null) {
            return "";
        }
        if (s.n == 1) {
            return fmt(s.median, f);
        }
        return fmt(s.median, f) + " (" + fmt(s.min, f) + "-" + fmt(s.max, f) + ")";
    }

    static String fmt(double v, Figure f) {
        if (f.key.endsWith("Ratio") || f.key.endsWith("PerGet")) {
            return String.format(Locale.ROOT, "%.1f%%", 100 * v);
        }
        if (f.unit.equals("us")) {
            return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
        }
        if (f.unit.equals("B") || (v != Math.rint(v) && Math.abs(v) < 1000)) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    /** One line per run for the console. */
    static String summary(Run r) {
        if (r.error != null) {
            return String.format(Locale.ROOT, "failed after %.0f s", r.seconds);
        }
        Map<String, Double> v = r.values;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%.0f s:", r.seconds));
        for (String k : List.of("ops", "get.p50", "get.p99", "put.p50", "put.p99", "misses", "errors", "nearcache.hitRatio",
                "cpu.usPerOp", "tessera.requestsPerOp", "jgroups.msgsSentPerOp", "bytesPerEntry", "preloadMs", "joinToDoneMs",
                "primariesMoved", "entriesCopied", "sizeAfter", "retriesPerOp", "op.p50", "lost")) {
            Double x = v.get(k);
            if (x != null) {
                sb.append(' ').append(k).append('=').append(x == Math.rint(x) ? String.format(Locale.ROOT, "%.0f", x)
                        : String.format(Locale.ROOT, "%.3g", x));
            }
        }
        return sb.toString();
    }

    // ---- files ----

    void writeJson(Path file) throws IOException {
        StringBuilder j = new StringBuilder("{\n  \"meta\": {");
        boolean first = true;
        for (Map.Entry<String, String> e : meta.entrySet()) {
            j.append(first ? "\n" : ",\n").append("    ").append(q(e.getKey())).append(": ").append(q(e.getValue()));
            first = false;
        }
        j.append("\n  },\n  \"figures\": [");
        first = true;
        for (Figure f : FIGURES) {
            Stat t = tessera(f);
            Stat ref = reference(f);
            StringBuilder per = new StringBuilder();
            for (String s : storesInRun()) {
                Stat st = stat(f.test, s, f.key);
                if (st != null && !f.test.equals("CHM")) {
                    per.append(per.length() == 0 ? "" : ", ").append(q(s)).append(": ").append(json(st));
                }
            }
            if (t == null && per.length() == 0 && ref == null) {
                continue;
            }
            String peer = bestPeer(f);
            j.append(first ? "\n" : ",\n").append("    {\"test\": ").append(q(f.test)).append(", \"figure\": ").append(q(f.key))
                    .append(", \"label\": ").append(q(f.label)).append(", \"unit\": ").append(q(f.unit))
                    .append(", \"tessera\": ").append(json(t)).append(", \"stores\": {").append(per).append('}')
                    .append(", \"betterPeer\": ").append(peer == null ? "null" : q(peer))
                    .append(", \"reference\": ").append(json(ref)).append(", \"ratio\": ").append(num(ratio(t, bestPeerStat(f))))
                    .append(", \"target\": ").append(q(f.target)).append(", \"status\": ").append(q(status(f))).append('}');
            first = false;
        }
        j.append("\n  ],\n  \"comparisons\": [");
        List<String> comparisons = comparisons();
        for (int i = 0; i < comparisons.size(); i++) {
            j.append(i == 0 ? "\n    " : ",\n    ").append(q(comparisons.get(i)));
        }
        j.append("\n  ],\n  \"runs\": [");
        first = true;
        for (Run r : runs) {
            j.append(first ? "\n" : ",\n").append("    {\"test\": ").append(q(r.test)).append(", \"store\": ").append(q(r.store))
                    .append(", \"rep\": ").append(r.rep).append(", \"seconds\": ").append(num(r.seconds))
                    .append(", \"loadavg\": ").append(q(r.loadavg)).append(", \"error\": ").append(r.error == null ? "null" : q(r.error))
                    .append(", \"values\": {");
            boolean f2 = true;
            for (Map.Entry<String, Double> e : new TreeMap<>(r.values).entrySet()) {
                j.append(f2 ? "" : ", ").append(q(e.getKey())).append(": ").append(num(e.getValue()));
                f2 = false;
            }
            j.append("}}");
            first = false;
        }
        j.append("\n  ]\n}\n");
        Files.writeString(file, j);
    }

    void writeCsv(Path file) throws IOException {
        StringBuilder c = new StringBuilder("test,store,rep,figure,value\n");
        for (Run r : runs) {
            for (Map.Entry<String, Double> e : new TreeMap<>(r.values).entrySet()) {
                c.append(r.test).append(',').append(r.store).append(',').append(r.rep).append(',').append(e.getKey()).append(',')
                        .append(num(e.getValue())).append('\n');
            }
            if (r.error != null) {
                c.append(r.test).append(',').append(r.store).append(',').append(r.rep).append(",error,\"")
                        .append(firstLine(r.error).replace("\"", "'")).append("\"\n");
            }
        }
        Files.writeString(file, c);
    }

    private static String json(Stat s) {
        return s == null ? "null" : "{\"median\": " + num(s.median) + ", \"min\": " + num(s.min) + ", \"max\": " + num(s.max)
                + ", \"n\": " + s.n + "}";
    }

    private static String num(Double d) {
        return d == null || d.isNaN() || d.isInfinite() ? "null" : d == Math.rint(d) && Math.abs(d) < 1e15
                ? String.valueOf(d.longValue()) : String.format(Locale.ROOT, "%.4f", d);
    }

    private static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
