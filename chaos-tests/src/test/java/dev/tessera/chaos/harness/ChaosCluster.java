package dev.tessera.chaos.harness;

import static org.awaitility.Awaitility.await;

import dev.tessera.chaos.ChaosMember;
import dev.tessera.chaos.history.HistoryChecks.FinalRead;
import dev.tessera.chaos.history.Op;
import dev.tessera.demo.admin.OpRecord;
import dev.tessera.grid.core.drill.ReplicaAudit;
import dev.tessera.grid.testkit.PausableFaults;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Member JVMs of one test on loopback: start, the kit's fault verbs ({@link PausableFaults}: crash = kill -9,
 * pause/resume = SIGSTOP/SIGCONT, leave = graceful stop by SIGTERM, isolate/split/heal through the members'
 * {@code /admin/isolate} and {@code /admin/heal}), and what the tests ask the members (health, workloads, bulk data).
 *
 * <p>Every process it starts is ended by {@link #close()} (SIGKILL), which then verifies through
 * {@link ProcessHandle} that none survived; a JVM shutdown hook kills whatever is left if the test JVM exits early,
 * and each member halts by itself once the test JVM is gone ({@code --parent-pid}).
 */
public final class ChaosCluster implements AutoCloseable, PausableFaults<MemberProcess> {
    private static final Logger log = LoggerFactory.getLogger(ChaosCluster.class);
    private static final Set<Process> ALL_PROCESSES = ConcurrentHashMap.newKeySet();
    private static final Set<Integer> USED_PORTS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : ALL_PROCESSES) {
                p.destroyForcibly();
            }
        }, "chaos-cluster-backstop"));
    }

    /**
     * Member settings. {@code sharedSecret}: the members' shared secret, or {@code null} for plaintext; the default
     * comes from {@code -Dchaos.secret=...}, so the whole suite can run with security on.
     */
    public record Options(long fdTimeoutMillis, long opTimeoutMillis, String heap, long leaveTimeoutMillis,
                          String sharedSecret) {
        public static Options defaults() {
            return new Options(2_000, 5_000, "256m", 30_000, System.getProperty("chaos.secret"));
        }

        public Options withOpTimeout(long millis) {
            return new Options(fdTimeoutMillis, millis, heap, leaveTimeoutMillis, sharedSecret);
        }

        public Options withSharedSecret(String secret) {
            return new Options(fdTimeoutMillis, opTimeoutMillis, heap, leaveTimeoutMillis, secret);
        }

        @Override
        public String toString() {
            return "Options[fd=" + fdTimeoutMillis + "ms, op=" + opTimeoutMillis + "ms, heap=" + heap + ", leave="
                    + leaveTimeoutMillis + "ms, " + (sharedSecret == null ? "plaintext" : "shared secret") + "]";
        }
    }

    /** What a recorded workload does; {@code rate} is operations per second per thread. */
    public record WorkloadSpec(String map, int threads, int keys, int readPercent, long seed, int backups,
                               String mode, double rate) {
        public static WorkloadSpec defaults(long seed) {
            return new WorkloadSpec("chaos", 2, 32, 50, seed, 1, "AVAILABLE", 80);
        }

        public WorkloadSpec withBackups(int b) {
            return new WorkloadSpec(map, threads, keys, readPercent, seed, b, mode, rate);
        }

        public WorkloadSpec withMode(String m) {
            return new WorkloadSpec(map, threads, keys, readPercent, seed, backups, m, rate);
        }

        String mapQuery() {
            return "map=" + map + "&backups=" + backups + "&mode=" + mode;
        }
    }

    private final String testName;
    private final String clusterName;
    private final Path dir;
    private final Options options;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<MemberProcess> members = new CopyOnWriteArrayList<>();
    private final Set<MemberProcess> workloadMembers = ConcurrentHashMap.newKeySet();
    private int nextIndex = 1;

    private ChaosCluster(String testName, Options options) throws IOException {
        this.testName = testName;
        this.clusterName = "chaos-" + testName + "-" + Long.toHexString(System.nanoTime());
        this.dir = Path.of("target", "chaos", testName + "-" + System.currentTimeMillis()).toAbsolutePath();
        Files.createDirectories(dir);
        this.options = options;
    }

    /**
     * Starts {@code n} members (the first alone, the others together once it is up), then waits for one view of all
     * of them and a stable table.
     */
    public static ChaosCluster start(String testName, int n, Options options) {
        ChaosCluster c;
        try {
            c = new ChaosCluster(testName, options);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            c.addAndAwaitReady(1);
            c.addAndAwaitReady(n - 1);
            c.awaitSingleView(c.running(), Duration.ofSeconds(60));
            c.awaitStable(c.running(), Duration.ofSeconds(60));
            log.info("[{}] cluster of {} up: {}", testName, n, c.members);
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    public Path dir() {
        return dir;
    }

    public String testName() {
        return testName;
    }

    // ------------------------------------------------------------------------------------------------ processes

    /** Starts {@code count} new members at once and waits until each answers HTTP (not for the view). */
    public List<MemberProcess> addAndAwaitReady(int count) {
        List<MemberProcess> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            started.add(launch());
        }
        for (MemberProcess m : started) {
            awaitReady(m);
        }
        return started;
    }

    public MemberProcess add() {
        return addAndAwaitReady(1).get(0);
    }

    /** Starts one new member and returns at once (it joins in the background); see {@link #awaitReady}. */
    public MemberProcess launchInBackground() {
        return launch();
    }

    private synchronized MemberProcess launch() {
        String name = "m" + nextIndex++;
        int gridPort = freePort();
        int httpPort = freePort();
        List<String> peers = new ArrayList<>();
        for (MemberProcess m : members) {
            if (m.alive()) {
                peers.add(m.peerAddress());
            }
        }
        peers.add("127.0.0.1[" + gridPort + "]");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = memberClasspath();
        List<String> cmd = List.of(java, "-Xmx" + options.heap(), "-Xms64m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xss512k", "-Djava.net.preferIPv4Stack=true",
                "-Dlogback.configurationFile=chaos-member-logback.xml", "-cp", cp, ChaosMember.class.getName(),
                "--name", name, "--grid-port", String.valueOf(gridPort), "--http-port", String.valueOf(httpPort),
                "--peers", String.join(",", peers), "--cluster", clusterName,
                "--fd-timeout", String.valueOf(options.fdTimeoutMillis()),
                "--op-timeout", String.valueOf(options.opTimeoutMillis()),
                "--leave-timeout", String.valueOf(options.leaveTimeoutMillis()),
                "--parent-pid", String.valueOf(ProcessHandle.current().pid()), "--max-lifetime", "1800",
                "--admin", "true", "--journal-dir", dir.toString());
        Path logFile = dir.resolve(name + ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            if (options.sharedSecret() != null) {
                pb.environment().put(ChaosMember.SECRET_ENV, options.sharedSecret()); // not on the command line: ps shows that
            }
            Process p = pb.start();
            ALL_PROCESSES.add(p);
            MemberProcess m = new MemberProcess(name, gridPort, httpPort, p, logFile, dir.resolve(name + ".journal"));
            members.add(m);
            log.info("[{}] launched {} grid={} http={} pid={}", testName, name, gridPort, httpPort, p.pid());
            return m;
        } catch (IOException e) {
            throw new IllegalStateException("cannot launch member " + name + ": " + e, e);
        }
    }

    public void awaitReady(MemberProcess m) {
        await("member " + m.name() + " ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!m.process().isAlive()) {
                        throw new IllegalStateException("member " + m.name() + " exited with " + m.process().exitValue()
                                + "; log tail:\n" + tail(m.log(), 30));
                    }
                    try {
                        return get(m, "/admin/health", Duration.ofSeconds(2)).statusCode() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    /** kill -9 of {@code member}, then waits until it is gone. */
    @Override
    public void crash(MemberProcess member) {
        crash(new MemberProcess[] {member});
    }

    /** kill -9 of these members, back to back ("at once"), then waits until they are gone. */
    public void crash(MemberProcess... victims) {
        for (MemberProcess m : victims) {
            m.process().destroyForcibly(); // SIGKILL on Linux
        }
        for (MemberProcess m : victims) {
            waitForExit(m, Duration.ofSeconds(10));
            m.state(MemberProcess.State.KILLED);
            log.info("[{}] killed -9 {}", testName, m.name());
        }
    }

    /** SIGSTOP: every thread of the member stops until {@link #resume}. */
    @Override
    public void pause(MemberProcess m) {
        signal(m, "STOP");
        m.state(MemberProcess.State.PAUSED);
        log.info("[{}] paused (SIGSTOP) {}", testName, m.name());
    }

    /** SIGCONT. */
    @Override
    public void resume(MemberProcess m) {
        signal(m, "CONT");
        m.state(MemberProcess.State.RUNNING);
        log.info("[{}] resumed (SIGCONT) {}", testName, m.name());
    }

    /** Graceful stop (SIGTERM: the member leaves and hands its partitions over); waits until it exited. */
    @Override
    public void leave(MemberProcess member) {
        leave(new MemberProcess[] {member});
    }

    /**
     * Graceful stop (SIGTERM: the member leaves and hands its partitions over), of all {@code members} at the same
     * moment as a scale-down does it; waits until every one exited.
     */
    public void leave(MemberProcess... members) {
        long t0 = System.nanoTime();
        for (MemberProcess m : members) {
            m.process().destroy(); // SIGTERM on Linux
        }
        for (MemberProcess m : members) {
            waitForExit(m, Duration.ofMillis(options.leaveTimeoutMillis() + 30_000));
            m.state(MemberProcess.State.STOPPED);
            log.info("[{}] stopped (SIGTERM) {} in {} ms, exit {}", testName, m.name(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), m.process().exitValue());
        }
    }

    private static void waitForExit(MemberProcess m, Duration max) {
        try {
            if (!m.process().waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
                m.process().destroyForcibly();
                throw new IllegalStateException("member " + m.name() + " did not exit within " + max);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void signal(MemberProcess m, String sig) {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, String.valueOf(m.pid())).inheritIO().start();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new IllegalStateException("kill -" + sig + " " + m.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code member} drops all traffic to/from {@code from} (its {@code /admin/isolate}), until {@link #heal()}. */
    @Override
    public void isolate(MemberProcess member, Collection<MemberProcess> from) {
        List<String> names = from.stream().map(MemberProcess::name).toList();
        post(member, "/admin/isolate?members=" + String.join(",", names), Duration.ofSeconds(5));
        log.info("[{}] isolated {} from {}", testName, member.name(), names);
    }

    /** Splits the cluster: every member of each side drops all traffic to/from every member of the other sides. */
    @Override
    public void split(List<? extends Collection<MemberProcess>> sides) {
        for (Collection<MemberProcess> side : sides) {
            List<String> others = new ArrayList<>();
            for (Collection<MemberProcess> other : sides) {
                if (other != side) {
                    other.forEach(o -> others.add(o.name()));
                }
            }
            for (MemberProcess m : side) {
                post(m, "/admin/isolate?members=" + String.join(",", others), Duration.ofSeconds(5));
            }
        }
        List<String> described = new ArrayList<>();
        for (Collection<MemberProcess> side : sides) {
            described.add(side.stream().map(MemberProcess::name).toList().toString());
        }
        log.info("[{}] partitioned {}", testName, String.join(" | ", described));
    }

    /** Lets all traffic through again on every running member (not on a paused one: resume it first). */
    @Override
    public void heal() {
        for (MemberProcess m : running()) {
            post(m, "/admin/heal", Duration.ofSeconds(5));
        }
        log.info("[{}] healed", testName);
    }

    /** All members started so far, in start order. */
    public List<MemberProcess> all() {
        return List.copyOf(members);
    }

    /** Members that are running and not paused. */
    public List<MemberProcess> running() {
        return members.stream().filter(MemberProcess::responsive).toList();
    }

    public MemberProcess member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no member " + name));
    }

    private static String memberClasspath;

    /**
     * The test class path, with every entry copied once per test JVM to {@code target/chaos-classpath/}: members
     * started later in the run then load the same classes as the first ones even if someone runs
     * {@code mvn install} (replacing the jars in the local repository) meanwhile.
     */
    static synchronized String memberClasspath() {
        if (memberClasspath != null) {
            return memberClasspath;
        }
        String original = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path snapshot = Path.of("target", "chaos-classpath", Long.toString(ProcessHandle.current().pid())).toAbsolutePath();
        List<String> entries = new ArrayList<>();
        try {
            Files.createDirectories(snapshot);
            int i = 0;
            for (String e : original.split(java.io.File.pathSeparator)) {
                if (e.isBlank()) {
                    continue;
                }
                Path src = Path.of(e);
                Path dst = snapshot.resolve((i++) + "-" + src.getFileName());
                if (Files.isDirectory(src)) {
                    try (var walk = Files.walk(src)) {
                        for (Path f : (Iterable<Path>) walk::iterator) {
                            Path t = dst.resolve(src.relativize(f).toString());
                            if (Files.isDirectory(f)) {
                                Files.createDirectories(t);
                            } else {
                                Files.copy(f, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                            }
                        }
                    }
                } else if (Files.exists(src)) {
                    Files.copy(src, dst, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } else {
                    continue;
                }
                entries.add(dst.toString());
            }
        } catch (IOException e) {
            log.warn("cannot snapshot the class path ({}); members use the original one", e.toString());
            memberClasspath = original;
            return original;
        }
        memberClasspath = String.join(java.io.File.pathSeparator, entries);
        return memberClasspath;
    }

    // ------------------------------------------------------------------------------------------------ health

    public MemberHealth health(MemberProcess m) {
        return MemberHealth.parse(getOk(m, "/admin/health", Duration.ofSeconds(3)));
    }

    /** Health of each of {@code expected}; fails if one does not answer. */
    public Map<String, MemberHealth> health(Collection<MemberProcess> expected) {
        Map<String, MemberHealth> out = new LinkedHashMap<>();
        for (MemberProcess m : expected) {
            out.put(m.name(), health(m));
        }
        return out;
    }

    private static Set<String> names(Collection<MemberProcess> ms) {
        return ms.stream().map(MemberProcess::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Every one of {@code expected} has exactly {@code expected} in its view. */
    public boolean singleView(Collection<MemberProcess> expected) {
        Set<String> want = names(expected);
        for (MemberHealth h : health(expected).values()) {
            if (!new TreeSet<>(h.view()).equals(want)) {
                return false;
            }
        }
        return true;
    }

    /**
     * One view of {@code expected}, everyone applied the same table version, nothing migrating, the table names
     * exactly them and every partition has its full replica count.
     */
    public boolean stable(Collection<MemberProcess> expected) {
        Set<String> want = names(expected);
        Set<Long> versions = new HashSet<>();
        for (MemberHealth h : health(expected).values()) {
            if (!new TreeSet<>(h.view()).equals(want) || !h.stable() || !new TreeSet<>(h.tableMembers()).equals(want)) {
                return false;
            }
            versions.add(h.tableVersion());
        }
        return versions.size() == 1;
    }

    /**
     * Stable, and the data is where the table says: for each map, the backup entries over all members equal
     * min(backups, N-1) times the primary entries.
     */
    public boolean fullRedundancy(Collection<MemberProcess> expected, Map<String, Integer> backupsByMap) {
        if (!stable(expected)) {
            lastRedundancyGap = "";
            return false;
        }
        Map<String, MemberHealth> hs = health(expected);
        for (Map.Entry<String, Integer> e : backupsByMap.entrySet()) {
            long primary = 0;
            long backup = 0;
            for (MemberHealth h : hs.values()) {
                long[] c = h.mapEntries(e.getKey());
                primary += c[0];
                backup += c[1];
            }
            long copies = Math.min(e.getValue(), expected.size() - 1);
            if (backup != copies * primary) {
                lastRedundancyGap = e.getKey() + ": primary=" + primary + " backup=" + backup + " expected backup="
                        + copies * primary;
                return false;
            }
        }
        return true;
    }

    private volatile String lastRedundancyGap = "";

    public Duration awaitSingleView(Collection<MemberProcess> expected, Duration max) {
        return timed("single view of " + names(expected), max, () -> singleView(expected));
    }

    public Duration awaitStable(Collection<MemberProcess> expected, Duration max) {
        return timed("stable table on " + names(expected), max, () -> stable(expected));
    }

    /**
     * Waits for {@link #fullRedundancy}. Fails early if the table has been stable for {@code stallLimit} while the
     * entry counts did not change: the copies that are missing are then not coming.
     */
    public Duration awaitFullRedundancy(Collection<MemberProcess> expected, Map<String, Integer> backupsByMap, Duration max) {
        Duration stallLimit = Duration.ofSeconds(20);
        long t0 = System.nanoTime();
        String[] lastGap = {null};
        long[] since = {System.nanoTime()};
        try {
            await("full redundancy on " + names(expected)).atMost(max).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsMatching(e -> !(e instanceof RedundancyStalled)).until(() -> {
                        if (fullRedundancy(expected, backupsByMap)) {
                            return true;
                        }
                        String gap = lastRedundancyGap;
                        if (!gap.equals(lastGap[0])) {
                            lastGap[0] = gap;
                            since[0] = System.nanoTime();
                        } else if (!gap.isEmpty() && System.nanoTime() - since[0] > stallLimit.toNanos()) {
                            throw new RedundancyStalled("redundancy not restored: the table is stable but the copies did"
                                    + " not change for " + stallLimit.toSeconds() + " s: " + gap + "; health "
                                    + healthSummary(expected));
                        }
                        return false;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("redundancy not restored within " + max + ": " + lastRedundancyGap + "; health "
                    + healthSummary(expected), e);
        } catch (RedundancyStalled e) {
            throw new AssertionError(e.getMessage());
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /**
     * Waits until, for each map, every partition's replicas held exactly its primary's entries (count and digest,
     * {@link ReplicaAudit}) in at least one round of snapshots taken under one table: totals can hide a backup that
     * lacks some keys. Writes may go on meanwhile (a partition matches once between them); a partition that never
     * matches within {@code max} fails the round, named with its counts.
     */
    public Duration awaitReplicasMatch(Collection<MemberProcess> expected, Map<String, Integer> backupsByMap, Duration max) {
        long t0 = System.nanoTime();
        Map<String, Set<Integer>> pending = new HashMap<>();
        Map<String, Map<Integer, String>> last = new HashMap<>();
        try {
            await("replicas matching their primary on " + names(expected)).atMost(max).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().until(() -> {
                        boolean done = true;
                        for (Map.Entry<String, Integer> e : backupsByMap.entrySet()) {
                            List<ReplicaAudit.Snapshot> snapshots = new ArrayList<>();
                            for (MemberProcess m : expected) {
                                snapshots.add(ReplicaAudit.Snapshot.parse(m.name(), getOk(m, "/admin/replica-digest?map="
                                        + e.getKey() + "&backups=" + e.getValue(), Duration.ofSeconds(10))));
                            }
                            Map<Integer, String> m = ReplicaAudit.mismatches(snapshots);
                            last.put(e.getKey(), m);
                            if (m.containsKey(-1)) {
                                done = false; // a table changed between the snapshots
                                continue;
                            }
                            Set<Integer> p = pending.computeIfAbsent(e.getKey(), k -> new TreeSet<>(m.keySet()));
                            p.retainAll(m.keySet());
                            done &= p.isEmpty();
                        }
                        return done;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder sb = new StringBuilder("replicas differ from their primary after " + max + ":");
            last.forEach((map, m) -> {
                Set<Integer> p = pending.getOrDefault(map, m.keySet());
                p.stream().limit(10).forEach(x -> sb.append("\n  ").append(map).append(" partition ").append(x)
                        .append(": ").append(m.get(x)));
                if (!p.isEmpty()) {
                    sb.append("\n  ").append(map).append(": ").append(p.size()).append(" partitions differ");
                }
            });
            throw new AssertionError(sb.toString(), e);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static final class RedundancyStalled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RedundancyStalled(String message) {
            super(message);
        }
    }

    /** For failure messages: each member's health, or why it did not answer. */
    public String healthSummary(Collection<MemberProcess> ms) {
        StringBuilder sb = new StringBuilder();
        for (MemberProcess m : ms) {
            try {
                sb.append("\n  ").append(health(m));
            } catch (RuntimeException e) {
                sb.append("\n  ").append(m.name()).append(": ").append(e.getMessage());
            }
        }
        return sb.toString();
    }

    private Duration timed(String what, Duration max, java.util.concurrent.Callable<Boolean> condition) {
        long t0 = System.nanoTime();
        await(what).atMost(max).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(condition);
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    // ------------------------------------------------------------------------------------------------ workload

    public void startWorkload(MemberProcess m, WorkloadSpec s) {
        String q = s.mapQuery() + "&threads=" + s.threads() + "&keys=" + s.keys() + "&readPercent=" + s.readPercent()
                + "&seed=" + s.seed() + "&rate=" + s.rate() + "&journal=true";
        String started = post(m, "/admin/workload/start?" + q, Duration.ofSeconds(10));
        if (!started.contains(m.journal().toString())) {
            throw new IllegalStateException(m.name() + " journals elsewhere than " + m.journal() + ": " + started);
        }
        workloadMembers.add(m);
    }

    /** A member's workload counters ({@code attempted ok failed unknown inFlight}). */
    public Map<String, Long> stats(MemberProcess m) {
        Map<String, Long> out = new LinkedHashMap<>();
        String stats = getOk(m, "/admin/workload/stats", Duration.ofSeconds(3));
        for (String part : stats.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0 && !part.startsWith("running")) {
                out.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
            }
        }
        return out;
    }

    /** Waits until every responsive workload member acknowledged {@code ops} more operations than now. */
    public void awaitProgress(long ops, Duration max) {
        awaitProgress(workloadMembers.stream().filter(MemberProcess::responsive).toList(), ops, max);
    }

    /** Waits until each of {@code ms} acknowledged {@code ops} more operations than now. */
    public void awaitProgress(Collection<MemberProcess> ms, long ops, Duration max) {
        awaitCounter(ms, "ok", ops, max);
    }

    /** Waits until each of {@code ms} counted {@code n} more operations of {@code counter} (ok, failed, unknown). */
    public void awaitCounter(Collection<MemberProcess> ms, String counter, long n, Duration max) {
        Map<MemberProcess, Long> base = new LinkedHashMap<>();
        for (MemberProcess m : ms) {
            base.put(m, stats(m).getOrDefault(counter, 0L));
        }
        await("each of " + names(ms) + " counting " + n + " more '" + counter + "' operations").atMost(max)
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
                    for (Map.Entry<MemberProcess, Long> e : base.entrySet()) {
                        if (stats(e.getKey()).getOrDefault(counter, 0L) < e.getValue() + n) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    /**
     * Stops the workload on every member that ran one and returns all their operations: from the member
     * ({@code /admin/workload/history}) if it is running, else from its journal (killed or stopped members).
     */
    public List<Op> stopWorkloadsAndCollect() {
        List<Op> ops = new ArrayList<>();
        for (MemberProcess m : workloadMembers) {
            List<OpRecord> records = null;
            if (m.responsive()) {
                try {
                    post(m, "/admin/workload/stop?waitMillis=" + (options.opTimeoutMillis() + 5_000),
                            Duration.ofMillis(options.opTimeoutMillis() + 15_000));
                    records = parseHistory(getOk(m, "/admin/workload/history", Duration.ofSeconds(30)));
                } catch (RuntimeException e) {
                    log.warn("[{}] history of {} unavailable over HTTP ({}), reading its journal", testName, m.name(), e.toString());
                }
            }
            if (records == null) {
                records = readJournal(m.journal());
            }
            log.info("[{}] history of {}: {} operations", testName, m.name(), records.size());
            records.forEach(r -> ops.add(Op.of(r)));
        }
        workloadMembers.clear();
        return ops;
    }

    static List<OpRecord> parseHistory(String text) {
        List<OpRecord> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(OpRecord.parse(line));
            }
        }
        return out;
    }

    /** Parses a journal: the C line of an operation wins over its I line; a torn last line is ignored. */
    public static List<OpRecord> readJournal(Path journal) {
        Map<String, OpRecord> byOp = new LinkedHashMap<>();
        try {
            if (!Files.exists(journal)) {
                return List.of();
            }
            for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
                if (line.length() < 3) {
                    continue;
                }
                try {
                    OpRecord r = OpRecord.parse(line.substring(2));
                    String id = r.thread() + "#" + r.seq();
                    if (line.startsWith("C\t") || !byOp.containsKey(id)) {
                        byOp.put(id, r);
                    }
                } catch (RuntimeException torn) {
                    log.debug("ignoring torn journal line {}", line);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read journal " + journal, e);
        }
        return new ArrayList<>(byOp.values());
    }

    /**
     * Reads every workload key through {@code via}: the final reads, also returned as read operations (process
     * {@code final/<member>}) so that they join the history.
     */
    public Map<String, FinalRead> finalRead(MemberProcess via, WorkloadSpec s, List<Op> addReadsTo) {
        String body = getOk(via, "/admin/read?" + s.mapQuery() + "&keys=" + s.keys(),
                Duration.ofMillis(options.opTimeoutMillis() * s.keys() + 10_000));
        Map<String, FinalRead> out = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            boolean ok = "OK".equals(f[4]);
            String value = !ok || OpRecord.NULL_VALUE.equals(f[1]) ? null : f[1];
            out.put(f[0], new FinalRead(f[0], value, ok));
            if (ok && addReadsTo != null) {
                addReadsTo.add(Op.read("final/" + via.name(), f[0], value, Long.parseLong(f[2]), Long.parseLong(f[3])));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ bulk data

    /** Writes keys p[from, from+count) of {@code map} through {@code via}; returns the member's summary. */
    public String preload(MemberProcess via, String map, int backups, String mode, long from, long count) {
        return postOk(via, "/admin/preload?map=" + map + "&backups=" + backups + "&mode=" + mode + "&from=" + from
                + "&count=" + count, Duration.ofMinutes(5));
    }

    /** Writes keys p[0, count) through all of {@code via} in parallel, each a slice. */
    public Duration preloadParallel(List<MemberProcess> via, String map, int backups, String mode, long count) {
        long t0 = System.nanoTime();
        long slice = (count + via.size() - 1) / via.size();
        List<java.util.concurrent.CompletableFuture<String>> parts = new ArrayList<>();
        for (int i = 0; i < via.size(); i++) {
            MemberProcess m = via.get(i);
            long from = i * slice;
            long n = Math.min(slice, count - from);
            parts.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> preload(m, map, backups, mode, from, n)));
        }
        parts.forEach(java.util.concurrent.CompletableFuture::join);
        Duration d = Duration.ofNanos(System.nanoTime() - t0);
        log.info("[{}] preloaded {} entries into '{}' in {} ms", testName, count, map, d.toMillis());
        return d;
    }

    /** Reads them back: {@code present=.. missing=.. wrong=.. failed=..}. */
    public String verifyPreload(MemberProcess via, String map, int backups, String mode, long from, long count) {
        return getOk(via, "/admin/verify-preload?map=" + map + "&backups=" + backups + "&mode=" + mode + "&from=" + from
                + "&count=" + count, Duration.ofMinutes(5));
    }

    // ------------------------------------------------------------------------------------------------ http

    private HttpResponse<String> get(MemberProcess m, String path, Duration timeout) throws IOException {
        return send(m, HttpRequest.newBuilder(uri(m, path)).timeout(timeout).GET().build());
    }

    private String getOk(MemberProcess m, String path, Duration timeout) {
        try {
            HttpResponse<String> r = get(m, path, timeout);
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " on " + m.name() + ": " + r.statusCode() + " " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " on " + m.name() + " failed: " + e, e);
        }
    }

    private String post(MemberProcess m, String path, Duration timeout) {
        return postOk(m, path, timeout);
    }

    private String postOk(MemberProcess m, String path, Duration timeout) {
        try {
            HttpResponse<String> r = send(m, HttpRequest.newBuilder(uri(m, path)).timeout(timeout)
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("POST " + path + " on " + m.name() + ": " + r.statusCode() + " " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException("POST " + path + " on " + m.name() + " failed: " + e, e);
        }
    }

    private HttpResponse<String> send(MemberProcess m, HttpRequest req) throws IOException {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static URI uri(MemberProcess m, String path) {
        return URI.create("http://127.0.0.1:" + m.httpPort() + path);
    }

    /**
     * A loopback port that is free now, below the kernel's ephemeral range (32768 and up on Linux): a port from that
     * range can be taken by any outgoing connection (JGroups opens many) between this probe and the member's bind.
     */
    private static int freePort() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        while (true) {
            int p = 20_000 + random.nextInt(12_000);
            if (USED_PORTS.contains(p)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                if (USED_PORTS.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException inUse) {
                // taken: try another
            }
        }
    }

    public static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    // ------------------------------------------------------------------------------------------------ close

    /** Kills every member still alive (SIGKILL; paused ones too) and verifies that no process survived. */
    @Override
    public void close() {
        List<String> survivors = new ArrayList<>();
        for (MemberProcess m : members) {
            Process p = m.process();
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (MemberProcess m : members) {
            Process p = m.process();
            try {
                p.waitFor(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            boolean alive = ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false);
            if (alive) {
                survivors.add(m.name() + " pid " + p.pid());
            } else {
                ALL_PROCESSES.remove(p);
            }
        }
        log.info("[{}] ended {} member processes; logs in {}", testName, members.size(), dir);
        if (!survivors.isEmpty()) {
            throw new IllegalStateException("member processes survived close(): " + survivors);
        }
    }

    /** Pids of processes this class started that are still alive, in any test (for tests of the harness). */
    public static List<Long> livePids() {
        return ALL_PROCESSES.stream().filter(Process::isAlive).map(Process::pid).toList();
    }
}
