package dev.tessera.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Entry point of every benchmark JVM.
 *
 * <pre>
 *   run [--quick] [--reps=N] [--only=W1,W2,W3,W4,CHM,memory,rebalance] [--stores=tessera,hazelcast] [--jfr]
 *         the orchestrator ({@link Runner}): starts fresh JVMs for every run, alternates the stores,
 *         prints the table and writes target/results.json and target/results.csv
 *   member    --store=S --index=I --members=N --backups=B [--nearcache]   a member (m2, m3, m4)
 *   driver    --store=S --members=N --backups=B --read=R --keys=K --warmup=MS --measure=MS --out=F [--nearcache]
 *         member 1 with the driver embedded (store chm: no cluster)
 *   rebalance --store=S --entries=E --out=F --m4log=F
 *   hotkey    --store=S --hotkey=executeOnKey|compute --members=N --warmup=MS --measure=MS --out=F
 *         member 1 of the hot-key benchmark ({@link HotKey}); its members get --hotkey=V --hotbase=F
 *   memory    --store=S --entries=E --out=F
 *   report    --csv=target/results.csv          re-renders the table of a run
 * </pre>
 */
public final class Bench {
    static final String READY = "READY";
    /** Every store {@link #open} knows. */
    static final List<String> STORES = List.of("tessera", "tessera-rfb", "tessera-secret", "tessera-tls", "hazelcast",
            "hazelcast57", "infinispan", "jgroups-raw", "chm");

    private Bench() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            System.err.println("usage: Bench run|member|driver|rebalance|memory --name=value ...");
            System.exit(2);
        }
        Args a = new Args(argv, 1);
        switch (argv[0]) {
            case "run" -> System.exit(new Runner(a).run());
            case "report" -> new Report(Report.readCsv(Path.of(a.require("csv"))), Map.of()).printTable(System.out);
            case "member" -> member(a);
            case "driver" -> child(() -> driver(a), a);
            case "hotkey" -> child(() -> HotKey.driver(a), a);
            case "rebalance" -> child(() -> rebalance(a), a);
            case "memory" -> child(() -> memory(a), a);
            default -> {
                System.err.println("unknown mode " + argv[0]);
                System.exit(2);
            }
        }
    }

    interface Body {
        Map<String, Double> run() throws Exception;
    }

    /** Runs a measuring child, writes its figures to --out and halts (no graceful leave: the run is over). */
    private static void child(Body body, Args a) {
        int code = 0;
        try {
            Map<String, Double> r = body.run();
            write(Path.of(a.require("out")), r);
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            code = 1;
        }
        System.out.flush();
        Runtime.getRuntime().halt(code);
    }

    static int tesseraPort() {
        return Integer.getInteger("bench.tesseraPort", 7801);
    }

    static int hazelcastPort() {
        return Integer.getInteger("bench.hazelcastPort", 5701);
    }

    static Store open(String kind, int index, int members, int backups, boolean nearCache) {
        return switch (kind) {
            case "tessera" -> new TesseraStore(index, members, backups, nearCache, tesseraPort());
            // the cost of security: same cluster with a shared secret (AES-GCM) or mutual TLS (JGroups TCP)
            case "tessera-secret", "tessera-tls" -> new TesseraStore(index, members, backups, nearCache, tesseraPort(),
                    kind.substring("tessera-".length()));
            // reads served by a local backup copy too, like Infinispan's
            case "tessera-rfb" -> new TesseraStore(index, members, backups, nearCache, tesseraPort(), "none", true);
            case "hazelcast" -> new HazelcastStore(index, members, backups, nearCache, hazelcastPort());
            case "hazelcast57" -> new HazelcastStore("hazelcast57", "5.7.0", index, members, backups, nearCache, hazelcastPort());
            // a run uses one store: the Infinispan and raw JGroups members take Tessera's ports
            case "infinispan" -> new InfinispanStore(index, members, backups, nearCache, tesseraPort());
            case "jgroups-raw" -> new RawStore(index, members, tesseraPort());
            case "chm" -> new ChmStore();
            default -> throw new IllegalArgumentException("unknown store " + kind + " (" + String.join(", ", STORES) + ")");
        };
    }

    static void log(String message) {
        System.out.println("[bench] " + message);
        System.out.flush();
    }

    // ---- member ----

    private static void member(Args a) throws InterruptedException {
        Store s = open(a.require("store"), a.getInt("index", 2), a.getInt("members", 3), a.getInt("backups", 1),
                a.flag("nearcache"));
        System.out.println(READY);
        System.out.flush();
        if (a.get("hotkey", null) != null) { // the hot-key benchmark: this member's threads too
            try {
                HotKey.member((HotKey.HotKeyStore) s, a.require("hotkey"), Path.of(a.require("hotbase")), a.getInt("index", 2));
            } catch (Exception e) {
                e.printStackTrace(System.out);
            }
        }
        if (a.flag("heapPeak")) { // the rebalance newcomer: its peak heap, for the driver to read from its log
            HeapPeak.start().reportToStdout();
        }
        // lives until the orchestrator (or the rebalance driver) kills it
        while (true) {
            Thread.sleep(60_000);
            if (s.kind().isEmpty()) {
                break;
            }
        }
    }

    // ---- driver: member 1 ----

    private static Map<String, Double> driver(Args a) throws Exception {
        String kind = a.require("store");
        int members = a.getInt("members", 3);
        int keysCount = a.getInt("keys", 100_000);
        Store s = open(kind, 1, members, a.getInt("backups", 1), a.flag("nearcache"));
        System.out.println(READY);
        System.out.flush();
        Map<String, Double> r = new LinkedHashMap<>();
        if (s instanceof ClusterProbe probe) {
            awaitMembers(probe, members, Duration.ofSeconds(180));
        }
        String[] keys = Util.keys(keysCount);
        byte[][] values = Util.values(keysCount);
        long t0 = System.nanoTime();
        Util.loadParallel(s, keysCount, 1000, s instanceof ClusterProbe ? a.getInt("loaders", 4) : 1);
        s.awaitRedundancy(Duration.ofSeconds(120));
        r.put("preloadMs", (double) TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        int size = s.size();
        r.put("size", (double) size);
        if (size != keysCount) {
            log("WARNING: size after preload is " + size + ", expected " + keysCount);
        }
        log("preloaded " + size + " entries in " + r.get("preloadMs").longValue() + " ms; running "
                + a.getInt("read", 90) + "% reads for " + a.getLong("warmup", 5000) + "+" + a.getLong("measure", 20000) + " ms");
        boolean[] primaryHere = s instanceof ClusterProbe probe ? primaryHere(probe, keys) : null;
        r.putAll(LoadDriver.run(s, keys, values, a.getInt("read", 90), a.getInt("threads", 8),
                a.getLong("warmup", 5000), a.getLong("measure", 20000), primaryHere));
        if (Boolean.getBoolean("bench.jfr")) {
            // the orchestrator dumps the flight recordings of every member, then releases us
            Path release = Path.of(a.require("out") + ".release");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(release) && System.nanoTime() < deadline) {
                Util.sleep(100);
            }
        }
        return r;
    }

    /** Per key, whether member 1 (the driver's member) is its primary in the table before the run. */
    private static boolean[] primaryHere(ClusterProbe probe, String[] keys) {
        String[][] owners = probe.replicas(0);
        boolean[] here = new boolean[keys.length];
        for (int k = 0; k < keys.length; k++) {
            here[k] = "m1".equals(owners[probe.partitionOf(keys[k])][0]);
        }
        return here;
    }

    static void awaitMembers(ClusterProbe probe, int members, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (probe.memberNames().size() < members) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("only " + probe.memberNames() + " joined within " + timeout);
            }
            Util.sleep(20);
        }
    }

    // ---- memory ----

    private static Map<String, Double> memory(Args a) throws Exception {
        String kind = a.require("store");
        int n = a.getInt("entries", 1_000_000);
        Store s = open(kind, 1, 1, 0, false);
        if (s instanceof ClusterProbe probe) {
            awaitMembers(probe, 1, Duration.ofSeconds(60));
        }
        long before = usedHeapAfterGc();
        Util.load(s, n, 1000);
        long after = usedHeapAfterGc();
        int size = s.size();
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("usedBefore", (double) before);
        r.put("usedAfter", (double) after);
        r.put("size", (double) size);
        r.put("bytesPerEntry", (after - before) / (double) n);
        log(kind + ": " + (after - before) / (double) n + " bytes/entry (" + before + " -> " + after + ", size " + size + ")");
        if (a.flag("histo")) {
            // where the bytes are: the heap's class histogram (live objects), top 25 lines
            Object histo = ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {null}, new String[] {String[].class.getName()});
            String[] lines = String.valueOf(histo).split("\n");
            for (int i = 0; i < Math.min(28, lines.length); i++) {
                log("histo " + lines[i]);
            }
        }
        return r;
    }

    static long usedHeapAfterGc() {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Util.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    // ---- rebalance ----

    private static Map<String, Double> rebalance(Args a) throws Exception {
        String kind = a.require("store");
        int n = a.getInt("entries", 1_000_000);
        int backups = 1;
        Store s = open(kind, 1, 4, backups, false);
        ClusterProbe probe = (ClusterProbe) s;
        System.out.println(READY);
        System.out.flush();
        awaitMembers(probe, 3, Duration.ofSeconds(180));
        long t0 = System.nanoTime();
        Util.loadParallel(s, n, 1000, a.getInt("loaders", 4));
        s.awaitRedundancy(Duration.ofSeconds(300));
        int sizeBefore = s.size();
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("preloadMs", (double) TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        r.put("sizeBefore", (double) sizeBefore);
        log("preloaded " + sizeBefore + " entries in " + r.get("preloadMs").longValue() + " ms");

        int partitions = probe.partitionCount();
        long[] entries = new long[partitions];
        for (int i = 0; i < n; i++) {
            entries[probe.partitionOf("key-" + i)]++;
        }
        String[][] before = probe.replicas(backups);

        AtomicLong joined = new AtomicLong();
        probe.onMemberJoined(name -> {
            if ("m4".equals(name)) {
                joined.compareAndSet(0, System.nanoTime());
            }
        });
        Path m4log = Path.of(a.require("m4log"));
        // --jfr: flight recordings of the newcomer and of this member (a source) from the launch to the end
        boolean jfr = Boolean.getBoolean("bench.jfr");
        String jfrBase = m4log.toString().replaceFirst("-m4\\.log$", "");
        List<String> cmd = Jvm.command(jfr ? List.of("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                        + jfrBase + "-m4.jfr") : List.of(), "member",
                List.of("--store=" + kind, "--index=4", "--members=4", "--backups=" + backups, "--heapPeak"));
        jdk.jfr.Recording source = jfr ? new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile")) : null;
        if (source != null) {
            source.start();
        }
        HeapPeak sourcePeak = HeapPeak.start(); // this member is a source of the migration
        long launch = System.nanoTime();
        Process m4 = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(m4log.toFile()).start();
        try {
            long deadline = launch + TimeUnit.SECONDS.toNanos(120);
            while (joined.get() == 0) {
                if (System.nanoTime() - deadline > 0 || !m4.isAlive()) {
                    throw new IllegalStateException("m4 did not join within 120 s (alive: " + m4.isAlive() + ")");
                }
                Thread.sleep(5);
            }
            long join = joined.get();
            // done = no migration, every replica in sync, the new member owns primaries, and no new round for 1.5 s
            long stableSince = 0;
            long lastStamp = Long.MIN_VALUE;
            long lastEvents = -1;
            int lastPending = -1;
            long done;
            deadline = join + TimeUnit.SECONDS.toNanos(300);
            while (true) {
                long stamp = probe.stateStamp();
                long events = probe.migrationEvents();
                String[][] now4 = probe.replicas(backups);
                boolean stable = !probe.migrating() && ownsPrimary(now4, "m4") && fullyRedundant(now4)
                        && probe.replicasInSync();
                long now = System.nanoTime();
                int pending = probe.pendingMigrations();
                if (stamp != lastStamp || pending != lastPending) {
                    // timeline in m1's log: when the table changed and how many migrations were left
                    System.out.printf("timeline +%d ms after join: table %d, pending migrations %d, m4 primaries %d%n",
                            (now - join) / 1_000_000, stamp, pending, countPrimaries(now4, "m4"));
                    lastPending = pending;
                }
                if (!stable || stamp != lastStamp || events != lastEvents || stableSince == 0) {
                    stableSince = stable ? now : 0;
                } else if (now - stableSince >= 1_500_000_000L) {
                    done = stableSince;
                    break;
                }
                lastStamp = stamp;
                lastEvents = events;
                if (now - deadline > 0) {
                    throw new IllegalStateException("no stable table 300 s after the join (migrating: " + probe.migrating() + ")");
                }
                Thread.sleep(10);
            }
            r.put("sourceHeapPeakMB", sourcePeak.maxUsedBytes() / 1048576.0);
            if (sourcePeak.maxAfterGcBytes() > 0) { // 0: no collection in the window, which is no figure
                r.put("sourceHeapAfterGcPeakMB", sourcePeak.maxAfterGcBytes() / 1048576.0);
            }
            long[] target = newcomerPeak(m4log);
            if (target != null) {
                r.put("targetHeapPeakMB", target[0] / 1048576.0);
                if (target[1] > 0) {
                    r.put("targetHeapAfterGcPeakMB", target[1] / 1048576.0);
                }
            }
            String[][] after = probe.replicas(backups);
            int moved = 0;
            long copied = 0;
            Map<String, Integer> primaries = new TreeMap<>();
            for (int p = 0; p < partitions; p++) {
                if (!after[p][0].equals(before[p][0])) {
                    moved++;
                }
                if (Arrays.asList(after[p]).contains("m4")) {
                    copied += entries[p];
                }
                primaries.merge(after[p][0], 1, Integer::sum);
            }
            int sizeAfter = s.size();
            r.put("launchToJoinMs", (join - launch) / 1e6);
            r.put("joinToDoneMs", (done - join) / 1e6);
            r.put("launchToDoneMs", (done - launch) / 1e6);
            r.put("primariesMoved", (double) moved);
            r.put("idealPrimariesMoved", partitions / 4.0);
            r.put("entriesCopied", (double) copied);
            r.put("idealEntriesCopied", n * (1 + backups) / 4.0);
            r.put("sizeAfter", (double) sizeAfter);
            r.put("partitions", (double) partitions);
            r.put("minPrimaries", (double) primaries.values().stream().mapToInt(i -> i).min().orElse(0));
            r.put("maxPrimaries", (double) primaries.values().stream().mapToInt(i -> i).max().orElse(0));
            r.put("migrationEvents", (double) probe.migrationEvents());
            log(kind + " rebalance: join->done " + (done - join) / 1_000_000 + " ms, moved " + moved + " primaries, copied "
                    + copied + " entries to m4, primaries per member " + primaries + ", size " + sizeAfter);
            return r;
        } finally {
            sourcePeak.close();
            if (source != null) {
                source.dump(Path.of(jfrBase + "-m1.jfr"));
                source.close();
                m4.destroy(); // SIGTERM: the newcomer writes its recording on exit
                m4.waitFor(30, TimeUnit.SECONDS);
            }
            m4.destroyForcibly();
            m4.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The newcomer's peak heap up to now, from the first {@code heap-peak} line it writes after this call (it writes one
     * every 200 ms): {used, afterGc} in bytes, or null when none comes within 3 s.
     */
    private static long[] newcomerPeak(Path m4log) throws Exception {
        long seen = HeapPeak.lastIn(m4log)[0];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() - deadline < 0) {
            long[] last = HeapPeak.lastIn(m4log);
            if (last[0] > seen) {
                return new long[] {last[1], last[2]};
            }
            Thread.sleep(20);
        }
        return null;
    }

    private static int countPrimaries(String[][] replicas, String member) {
        int n = 0;
        for (String[] r : replicas) {
            if (member.equals(r[0])) {
                n++;
            }
        }
        return n;
    }

    private static boolean ownsPrimary(String[][] replicas, String member) {
        for (String[] r : replicas) {
            if (member.equals(r[0])) {
                return true;
            }
        }
        return false;
    }

    private static boolean fullyRedundant(String[][] replicas) {
        for (String[] r : replicas) {
            for (String m : r) {
                if (m == null) {
                    return false;
                }
            }
        }
        return true;
    }

    // ---- results files ----

    static void write(Path file, Map<String, Double> r) throws IOException {
        Properties p = new Properties();
        r.forEach((k, v) -> p.setProperty(k, Double.toString(v)));
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, null);
        }
    }

    static Map<String, Double> read(Path file) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        }
        Map<String, Double> r = new HashMap<>();
        for (String k : p.stringPropertyNames()) {
            r.put(k, Double.parseDouble(p.getProperty(k)));
        }
        return r;
    }

    static List<String> list(String... s) {
        return new ArrayList<>(List.of(s));
    }
}
