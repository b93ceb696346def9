package dev.tessera.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The orchestrator: runs every selected test for every store, each run in fresh JVMs, the stores
 * alternating (A B A B) within each repetition; then prints the table and writes
 * {@code target/results.json} and {@code target/results.csv}.
 */
final class Runner {
    static final List<String> CLUSTER_TESTS = List.of("W1", "W2", "W3", "W4");
    /** Tessera, the peers (issue 17: the better of them on each figure is the bar), and the floor. */
    static final List<String> DEFAULT_STORES = List.of("tessera", "tessera-rfb", "hazelcast", "hazelcast57", "infinispan",
            "jgroups-raw");

    /** Whether {@code store} takes part in {@code test}: the like-for-like and floor stores only where they mean something. */
    static boolean runs(String store, String test) {
        return switch (store) {
            case "tessera-rfb", "jgroups-raw" -> test.equals("W1") || test.equals("W2");
            default -> true;
        };
    }

    /** The hot-key variants of a store ({@link HotKey}); none where the store has no atomic per-key update. */
    static List<String> hotKeyVariants(String store) {
        return switch (store) {
            case "tessera" -> List.of("executeOnKey", "compute");
            case "hazelcast", "hazelcast57" -> List.of("executeOnKey");
            default -> List.of();
        };
    }

    private final boolean quick;
    private final int reps;
    private final Set<String> only;
    private final List<String> stores;
    private final boolean jfr;
    /** CPU sampling period of the recordings: 1 ms resolves short windows, 20 ms barely slows the members. */
    private final String jfrPeriod;
    private final Path target;
    private final Path runDir;
    private final int keys;
    private final long warmup;
    private final long measure;
    private final int bigEntries;
    /** Driver threads (the workload's 8; fewer shows what oversubscribing 2 cores adds to the tail). */
    private final int threads;
    private final List<Report.Run> runs = new ArrayList<>();
    /** Port slot of the next run: consecutive runs use different ports (no TIME_WAIT leftovers). */
    private int portSlot;

    Runner(Args a) {
        quick = a.flag("quick");
        reps = a.getInt("reps", quick ? 1 : 2);
        only = new LinkedHashSet<>(List.of(a.get("only", "W1,W2,W3,W4,CHM,memory,rebalance,hotkey").split(",")));
        stores = List.of(a.get("stores", String.join(",", DEFAULT_STORES)).split(","));
        for (String s : stores) {
            if (!Bench.STORES.contains(s)) {
                throw new IllegalArgumentException("unknown store " + s + " in --stores (known: " + Bench.STORES + ")");
            }
        }
        jfr = a.flag("jfr");
        jfrPeriod = a.get("jfr-period", "1 ms");
        keys = a.getInt("keys", quick ? 10_000 : 100_000);
        warmup = a.getLong("warmup", quick ? 1_000 : 5_000);
        measure = a.getLong("measure", quick ? 2_000 : 20_000);
        bigEntries = a.getInt("entries", quick ? 50_000 : 1_000_000);
        threads = a.getInt("threads", 8);
        target = Path.of(a.get("target", "target")).toAbsolutePath();
        runDir = target.resolve("bench-runs").resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    int run() throws Exception {
        Files.createDirectories(runDir);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("started", LocalDateTime.now().toString());
        meta.put("mode", quick ? "QUICK (not comparable with the reference figures)" : "full");
        meta.put("repetitions", String.valueOf(reps));
        meta.put("keys", String.valueOf(keys));
        meta.put("warmupMs", String.valueOf(warmup));
        meta.put("measureMs", String.valueOf(measure));
        meta.put("bigEntries", String.valueOf(bigEntries));
        meta.put("threads", String.valueOf(threads));
        meta.put("tests", String.join(",", only));
        meta.put("stores", String.join(",", stores));
        meta.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
        meta.put("loadavgAtStart", loadAverage());
        meta.put("tessera", System.getProperty("bench.git", "unknown"));
        meta.put("tesseraJar", coreJar());
        meta.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        meta.put("jvmOptions", String.join(" ", Jvm.memberOptions()));
        meta.put("logs", runDir.toString());
        System.out.println("== WORKLOAD.md v1, stores " + String.join(", ", stores) + " == " + meta.get("mode"));
        meta.forEach((k, v) -> System.out.println("   " + k + ": " + v));
        long t0 = System.nanoTime();
        for (int rep = 1; rep <= reps; rep++) {
            for (String test : CLUSTER_TESTS) {
                if (only.contains(test)) {
                    for (String store : stores) {
                        if (runs(store, test)) {
                            runs.add(cluster(test, store, rep));
                        }
                    }
                }
            }
            if (only.contains("CHM")) {
                runs.add(cluster("CHM", "chm", rep));
            }
            if (only.contains("hotkey")) {
                for (String store : stores) {
                    for (String variant : hotKeyVariants(store)) {
                        runs.add(hotKey(store, variant, rep));
                    }
                }
            }
            if (only.contains("memory")) {
                for (String store : stores) {
                    if (runs(store, "memory")) {
                        runs.add(memory(store, rep));
                    }
                }
                runs.add(memory("chm", rep));
            }
            if (only.contains("rebalance")) {
                for (String store : stores) {
                    if (runs(store, "rebalance")) {
                        runs.add(rebalance(store, rep));
                    }
                }
            }
        }
        meta.put("totalSeconds", String.valueOf(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)));
        meta.put("loadavgAtEnd", loadAverage());
        Report report = new Report(runs, meta);
        System.out.println();
        report.printTable(System.out);
        Files.createDirectories(target);
        report.writeJson(target.resolve("results.json"));
        report.writeCsv(target.resolve("results.csv"));
        Files.copy(target.resolve("results.json"), runDir.resolve("results.json"));
        Files.copy(target.resolve("results.csv"), runDir.resolve("results.csv"));
        System.out.println("\nwritten: " + target.resolve("results.json") + ", " + target.resolve("results.csv")
                + "; logs in " + runDir + "; total " + meta.get("totalSeconds") + " s");
        return runs.stream().anyMatch(r -> r.error() != null) ? 1 : 0;
    }

    // ---- one run of each kind ----

    private Report.Run cluster(String test, String store, int rep) throws Exception {
        int members = switch (test) {
            case "W4", "CHM" -> 1;
            default -> 3;
        };
        int backups = test.equals("W4") || test.equals("CHM") ? 0 : 1;
        int read = test.equals("W2") ? 50 : 90;
        boolean nearCache = test.equals("W3");
        String id = test + "-" + store + "-r" + rep;
        Path out = runDir.resolve(id + ".properties");
        List<String> args = Bench.list("--store=" + store, "--members=" + members, "--backups=" + backups,
                "--read=" + read, "--keys=" + keys, "--warmup=" + warmup, "--measure=" + measure, "--out=" + out,
                "--threads=" + threads);
        if (nearCache) {
            args.add("--nearcache");
        }
        List<String> memberArgs = Bench.list("--store=" + store, "--members=" + members, "--backups=" + backups);
        if (nearCache) {
            memberArgs.add("--nearcache");
        }
        long timeout = 300 + (warmup + measure) / 1000;
        return runCluster(test, store, rep, id, "driver", args, members, memberArgs, out, timeout);
    }

    /** 3 members x 8 threads incrementing one key; the run's store label is store-variant. */
    private Report.Run hotKey(String store, String variant, int rep) throws Exception {
        String label = store + "-" + variant;
        String id = "hotkey-" + label + "-r" + rep;
        Path out = runDir.resolve(id + ".properties");
        List<String> args = Bench.list("--store=" + store, "--hotkey=" + variant, "--members=3", "--warmup=" + warmup,
                "--measure=" + measure, "--out=" + out);
        List<String> memberArgs = Bench.list("--store=" + store, "--members=3", "--backups=1", "--hotkey=" + variant,
                "--hotbase=" + out);
        return runCluster("hotkey", label, rep, id, "hotkey", args, 3, memberArgs, out, 300 + (warmup + measure) / 1000);
    }

    private Report.Run rebalance(String store, int rep) throws Exception {
        String id = "rebalance-" + store + "-r" + rep;
        Path out = runDir.resolve(id + ".properties");
        List<String> args = Bench.list("--store=" + store, "--entries=" + bigEntries, "--out=" + out,
                "--m4log=" + runDir.resolve(id + "-m4.log"));
        List<String> memberArgs = Bench.list("--store=" + store, "--members=4", "--backups=1");
        return runCluster("rebalance", store, rep, id, "rebalance", args, 3, memberArgs, out, 900);
    }

    private Report.Run runCluster(String test, String store, int rep, String id, String mode, List<String> args,
                                  int members, List<String> memberArgs, Path out, long timeoutSeconds) throws Exception {
        String load = loadAverage();
        System.out.printf("-- %-10s %-9s rep %d (load %s)%n", test, store, rep, load);
        long t0 = System.nanoTime();
        List<Child> children = new CopyOnWriteArrayList<>();
        String error = null;
        Map<String, Double> values = Map.of();
        List<String> extra = jvmExtra(nextPortSlot());
        Map<String, Double> cpu = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            Child m1 = new Child("m1", Jvm.command(extra, mode, args), runDir.resolve(id + "-m1.log"),
                    line -> onDriverLine(line, id, children, out, cpu));
            children.add(m1);
            if (!m1.awaitReady(180)) {
                throw new IllegalStateException("m1 not ready:\n" + m1.tail(30));
            }
            // m1 first; then m2 and m3 together (their JVM start-up overlaps; each joins on its own)
            for (int i = 2; i <= members; i++) {
                List<String> a = new ArrayList<>(memberArgs);
                a.add("--index=" + i);
                children.add(new Child("m" + i, Jvm.command(extra, "member", a), runDir.resolve(id + "-m" + i + ".log"), null));
            }
            for (Child mi : children.subList(1, children.size())) {
                if (!mi.awaitReady(180)) {
                    throw new IllegalStateException(mi.name + " not ready:\n" + mi.tail(30));
                }
            }
            Integer code = m1.awaitExit(timeoutSeconds);
            if (code == null) {
                throw new IllegalStateException("no result within " + timeoutSeconds + " s:\n" + m1.tail(30));
            }
            if (code != 0 || !Files.exists(out)) {
                throw new IllegalStateException("driver failed (exit " + code + "):\n" + m1.tail(30));
            }
            values = new LinkedHashMap<>(Bench.read(out));
            Double ops = values.get("ops");
            Double cpuSeconds = cpu.get("cpu.seconds");
            if (ops != null && cpuSeconds != null && ops > 0) {
                values.putAll(cpu);
                values.put("cpu.usPerOp", cpuSeconds * 1e6 / (ops * measure / 1000.0));
            }
        } catch (RuntimeException e) {
            error = e.getMessage();
            System.out.println("   FAILED: " + error);
        } finally {
            for (int i = children.size() - 1; i >= 0; i--) {
                children.get(i).kill();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Report.Run r = new Report.Run(test, store, rep, values, error, seconds, load);
        System.out.println("   " + Report.summary(r));
        return r;
    }

    private Report.Run memory(String store, int rep) throws Exception {
        String id = "memory-" + store + "-r" + rep;
        Path out = runDir.resolve(id + ".properties");
        String load = loadAverage();
        System.out.printf("-- %-10s %-9s rep %d (load %s)%n", "memory", store, rep, load);
        long t0 = System.nanoTime();
        String error = null;
        Map<String, Double> values = Map.of();
        Child c = new Child("m1", Jvm.command(jvmExtra(nextPortSlot()).subList(0, 2), "memory", List.of("--store=" + store, "--entries=" + bigEntries,
                "--out=" + out)), runDir.resolve(id + ".log"), null);
        try {
            Integer code = c.awaitExit(600);
            if (code == null || code != 0 || !Files.exists(out)) {
                throw new IllegalStateException("memory run failed (exit " + code + "):\n" + c.tail(30));
            }
            values = Bench.read(out);
        } catch (RuntimeException e) {
            error = e.getMessage();
            System.out.println("   FAILED: " + error);
        } finally {
            c.kill();
        }
        Report.Run r = new Report.Run("memory", store, rep, values, error, (System.nanoTime() - t0) / 1e9, load);
        System.out.println("   " + Report.summary(r));
        return r;
    }

    // ---- profiling: JFR of every member JVM over the measured window ----

    private List<String> jvmExtra(int slot) {
        List<String> o = new ArrayList<>();
        o.add("-Dbench.tesseraPort=" + (7801 + 10 * slot));
        o.add("-Dbench.hazelcastPort=" + (5701 + 10 * slot));
        if (jfr) {
            o.add("-Dbench.jfr=true");
        }
        return o;
    }

    /** The next port slot whose Tessera and Hazelcast ports (base .. base+3) are all free. */
    private int nextPortSlot() {
        for (int attempt = 0; attempt < 16; attempt++) {
            int slot = portSlot++ % 8;
            if (free(7801 + 10 * slot) && free(5701 + 10 * slot)) {
                return slot;
            }
        }
        throw new IllegalStateException("no free port range 7801+10k / 5701+10k (k < 8)");
    }

    private static boolean free(int base) {
        for (int port = base; port < base + 4; port++) {
            try (java.net.ServerSocket s = new java.net.ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private final Map<Long, Long> cpuAtStart = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Long, Map<String, Long>> threadsAtStart = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Driver lines "window-start"/"window-end": CPU time of every member JVM over the measured window
     * (always), per thread group and JFR recordings of every member (with --jfr).
     */
    private void onDriverLine(String line, String id, List<Child> children, Path out, Map<String, Double> cpu) {
        if (line.endsWith("window-start")) {
            cpuAtStart.clear();
            threadsAtStart.clear();
            for (Child c : children) {
                cpuAtStart.put(c.pid(), ProcCpu.processTicks(c.pid()));
                threadsAtStart.put(c.pid(), ProcCpu.threadTicks(c.pid()));
            }
            if (jfr) {
                for (Child c : children) {
                    jcmd(c.pid(), "JFR.start", "name=bench", "settings=" + jfcFile());
                }
            }
        } else if (line.endsWith("window-end")) {
            double total = 0;
            for (Child c : children) {
                Long start = cpuAtStart.get(c.pid());
                long end = ProcCpu.processTicks(c.pid());
                if (start != null && start >= 0 && end >= 0) {
                    double s = (end - start) * ProcCpu.TICK_SECONDS;
                    cpu.put("cpu." + c.name + ".seconds", s);
                    total += s;
                }
                Map<String, Long> before = threadsAtStart.getOrDefault(c.pid(), Map.of());
                Map<String, Long> after = ProcCpu.threadTicks(c.pid());
                StringBuilder sb = new StringBuilder();
                long[] listed = {0};
                after.entrySet().stream()
                        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                        .filter(e -> e.getValue() > 0)
                        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                        .forEach(e -> {
                            listed[0] += e.getValue();
                            sb.append(String.format(java.util.Locale.ROOT, "%n  %6.2f s  %s", e.getValue() * ProcCpu.TICK_SECONDS, e.getKey()));
                        });
                if (start != null && start >= 0 && end >= 0) {
                    // threads that ended before the snapshot (the driver threads stop at the window's end)
                    sb.append(String.format(java.util.Locale.ROOT, "%n  %6.2f s  (threads that ended: driver)%n  %6.2f s  total",
                            Math.max(0, end - start - listed[0]) * ProcCpu.TICK_SECONDS, (end - start) * ProcCpu.TICK_SECONDS));
                }
                try {
                    Files.writeString(runDir.resolve(id + "-" + c.name + "-threads.txt"),
                            "CPU seconds per thread group of " + c.name + " over the measured window:" + sb + "\n");
                } catch (IOException e) {
                    System.out.println("      cannot write thread CPU: " + e);
                }
            }
            cpu.put("cpu.seconds", total);
            if (jfr) {
                new Thread(() -> {
                    for (Child c : children) {
                        jcmd(c.pid(), "JFR.dump", "name=bench", "filename=" + runDir.resolve(id + "-" + c.name + ".jfr"));
                    }
                    try {
                        Files.writeString(Path.of(out + ".release"), "go");
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }).start();
            }
        }
    }

    /** JFR's "profile" settings with CPU sampling every {@code --jfr-period} (1 ms: more samples from short windows). */
    private Path jfcFile() {
        Path f = runDir.resolve("bench-profile.jfc");
        try {
            if (!Files.exists(f)) {
                String xml = jdk.jfr.Configuration.getConfiguration("profile").getContents();
                xml = xml.replaceAll("(?s)(?<pre><event name=\"jdk\\.ExecutionSample\">.*?<setting name=\"period\"[^>]*>)[^<]*(?<post></setting>)",
                        "${pre}" + jfrPeriod + "${post}");
                Files.writeString(f, xml);
            }
        } catch (IOException | java.text.ParseException e) {
            throw new IllegalStateException("cannot write the JFR settings", e);
        }
        return f;
    }

    private static void jcmd(long pid, String... command) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        cmd.add(String.valueOf(pid));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            p.waitFor(60, TimeUnit.SECONDS);
            if (p.exitValue() != 0) {
                System.out.println("      jcmd " + String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (IOException | InterruptedException e) {
            System.out.println("      jcmd failed: " + e);
        }
    }

    /** The grid-core jar on the class path, with its time and a hash: the exact Tessera measured. */
    static String coreJar() {
        for (String e : Jvm.classPath().split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            if (p.getFileName() != null && p.getFileName().toString().startsWith("grid-core")) {
                try {
                    byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
                    return p.getFileName() + " built " + Files.getLastModifiedTime(p) + " sha256 "
                            + java.util.HexFormat.of().formatHex(d, 0, 6);
                } catch (IOException | java.security.NoSuchAlgorithmException ex) {
                    return p.toString();
                }
            }
        }
        return "grid-core from " + Jvm.classPath();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
