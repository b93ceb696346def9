package dev.tessera.chaos.harness;

import dev.tessera.chaos.harness.ChaosCluster.Options;
import dev.tessera.chaos.harness.ChaosCluster.WorkloadSpec;
import dev.tessera.chaos.history.HistoryChecks;
import dev.tessera.chaos.history.HistoryChecks.Availability;
import dev.tessera.chaos.history.HistoryChecks.BadReads;
import dev.tessera.chaos.history.HistoryChecks.Counts;
import dev.tessera.chaos.history.HistoryChecks.FinalRead;
import dev.tessera.chaos.history.HistoryChecks.FinalState;
import dev.tessera.chaos.history.LinearizabilityChecker;
import dev.tessera.chaos.history.LinearizabilityChecker.Report;
import dev.tessera.chaos.history.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fault test's run: a {@link ChaosCluster}, a recorded workload on its members, the fault window, the recovery
 * times, and at the end the checks of the history and the figures.
 *
 * <pre>{@code
 * try (ChaosRun run = ChaosRun.start("kill-one", 3, spec, Options.defaults())) {
 *     run.startWorkloads(run.cluster().running());
 *     run.cluster().awaitProgress(100, ...);
 *     run.faultStarts();  ... inject ...  run.recovery(...);  run.faultEnds();
 *     ChaosRun.Result r = run.finish(reader);
 *     assert on r ...
 *     run.passed();
 * }
 * }</pre>
 */
public final class ChaosRun implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChaosRun.class);
    /** Search budget per key for the linearizability check. */
    public static final long SEARCH_STEPS_PER_KEY = 3_000_000;

    private final ChaosCluster cluster;
    private final WorkloadSpec spec;
    private final Figures figures;
    private long faultStart = -1;
    private long faultEnd = -1;
    private boolean passed;

    private ChaosRun(ChaosCluster cluster, WorkloadSpec spec, Figures figures) {
        this.cluster = cluster;
        this.spec = spec;
        this.figures = figures;
    }

    public static ChaosRun start(String test, int members, WorkloadSpec spec, Options options) {
        long t0 = System.nanoTime();
        ChaosCluster c = ChaosCluster.start(test, members, options);
        Figures f = new Figures(test);
        f.put("members", members).put("backups", spec.backups()).put("mode", spec.mode())
                .put("workload", spec.threads() + " threads/member x " + spec.rate() + " ops/s, " + spec.keys()
                        + " keys, " + spec.readPercent() + "% reads, seed " + spec.seed())
                .seconds("cluster start", Duration.ofNanos(System.nanoTime() - t0));
        return new ChaosRun(c, spec, f);
    }

    public ChaosCluster cluster() {
        return cluster;
    }

    public WorkloadSpec spec() {
        return spec;
    }

    public Figures figures() {
        return figures;
    }

    public void startWorkloads(Collection<MemberProcess> members) {
        for (MemberProcess m : members) {
            cluster.startWorkload(m, spec);
        }
    }

    /** Waits until each workload member acknowledged {@code ops} more operations. */
    public void awaitProgress(long ops) {
        cluster.awaitProgress(ops, Duration.ofSeconds(60));
    }

    /** Waits until each of {@code members} acknowledged {@code ops} more operations. */
    public void awaitProgress(Collection<MemberProcess> members, long ops) {
        cluster.awaitProgress(members, ops, Duration.ofSeconds(60));
    }

    public long faultStarts() {
        faultStart = System.nanoTime();
        return faultStart;
    }

    public void faultEnds() {
        faultEnd = System.nanoTime();
        figures.seconds("fault window", Duration.ofNanos(faultEnd - faultStart));
    }

    public long faultStart() {
        return faultStart;
    }

    public long faultEnd() {
        return faultEnd;
    }

    /** Seconds since the fault started. */
    public Duration sinceFault() {
        return Duration.ofNanos(System.nanoTime() - faultStart);
    }

    /**
     * Waits for one view of {@code expected}, then a stable table, then full redundancy of the workload map (and
     * {@code extraMaps}), then every replica holding exactly its primary's entries per partition, and records the
     * time of each from {@code since} (nanoTime) as figures with {@code prefix}.
     */
    public void awaitRecovery(String prefix, long since, Collection<MemberProcess> expected, Map<String, Integer> extraMaps) {
        Duration max = Duration.ofSeconds(60);
        cluster.awaitSingleView(expected, max);
        figures.seconds(prefix + "s to a single view", Duration.ofNanos(System.nanoTime() - since));
        cluster.awaitStable(expected, max);
        figures.seconds(prefix + "s to a balanced table", Duration.ofNanos(System.nanoTime() - since));
        Map<String, Integer> maps = new java.util.HashMap<>(extraMaps);
        maps.put(spec.map(), spec.backups());
        cluster.awaitFullRedundancy(expected, maps, max);
        figures.seconds(prefix + "s to full redundancy", Duration.ofNanos(System.nanoTime() - since));
        cluster.awaitReplicasMatch(expected, maps, Duration.ofSeconds(30));
        figures.seconds(prefix + "s to replicas matching their primary", Duration.ofNanos(System.nanoTime() - since));
    }

    /** The checks of a finished run. */
    public record Result(List<Op> ops, List<Op> withFinalReads, Counts counts, BadReads badReads, FinalState finalState,
                         Report linearizability, Availability availability, Map<String, FinalRead> finals) {}

    /**
     * Stops the workloads, collects every member's history (journals of dead members), reads every key through
     * {@code reader}, and runs the checks; records the figures.
     */
    public Result finish(MemberProcess reader) {
        List<Op> ops = cluster.stopWorkloadsAndCollect();
        List<Op> finalReads = new ArrayList<>();
        Map<String, FinalRead> finals = cluster.finalRead(reader, spec, finalReads);
        return check(ops, finals, finalReads);
    }

    /** The checks on a history and final reads taken by the test itself. */
    public Result check(List<Op> ops, Map<String, FinalRead> finals, List<Op> finalReads) {
        List<Op> all = new ArrayList<>(ops);
        all.addAll(finalReads);
        Counts counts = HistoryChecks.counts(ops);
        BadReads bad = HistoryChecks.badReads(all);
        FinalState fin = HistoryChecks.finalState(ops, finals);
        long t0 = System.nanoTime();
        Report lin = LinearizabilityChecker.check(all, SEARCH_STEPS_PER_KEY);
        long checkMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        Availability av = faultStart < 0 ? null
                : HistoryChecks.availability(ops, faultStart, faultEnd < 0 ? Long.MAX_VALUE : faultEnd, op -> true);
        figures.put("ops attempted", counts.attempted()).put("acknowledged", counts.ok()).put("failed", counts.failed())
                .put("unknown", counts.unknown()).put("acknowledged writes", counts.ackedWrites())
                .put("lost acknowledged writes", fin.lostAckedWrites())
                .put("final state", fin.noLoss() ? "ok (" + fin.keys() + " keys)" : fin.toString())
                .put("bad reads", bad.none() ? "none" : bad.toString())
                .put("linearizability", lin.summary() + ", " + checkMs + " ms");
        if (av != null) {
            figures.put("availability in fault window", av);
        }
        List<LinearizabilityChecker.KeyResult> violations = lin.violations();
        for (int i = 0; i < Math.min(3, violations.size()); i++) {
            log.info("[{}] not linearizable: key {}: {}", cluster.testName(), violations.get(i).key(),
                    violations.get(i).detail());
        }
        if (violations.size() > 3) {
            log.info("[{}] ... and {} more keys not linearizable", cluster.testName(), violations.size() - 3);
        }
        for (String d : fin.details().subList(0, Math.min(10, fin.details().size()))) {
            log.info("[{}] final state: {}", cluster.testName(), d);
        }
        Map<String, Map<String, Op>> writes = HistoryChecks.writesByKeyAndValue(all);
        for (Op read : bad.ofFailedWrites().subList(0, Math.min(5, bad.ofFailedWrites().size()))) {
            Op w = writes.get(read.key()).get(read.value());
            log.info("[{}] read of a refused write: {} read at {} the value of {} invoked at {} refused at {}",
                    cluster.testName(), read.process(), rel(read.invoke()), w.process(), rel(w.invoke()), rel(w.complete()));
        }
        return new Result(ops, all, counts, bad, fin, lin, av, finals);
    }

    /** {@code t} as seconds relative to the start of the fault, e.g. {@code +1.234s}. */
    public String rel(long t) {
        if (t == Op.NEVER) {
            return "never";
        }
        return faultStart < 0 ? String.valueOf(t) : String.format("%+.3fs", (t - faultStart) / 1e9);
    }

    /** Marks the test as passed: its figures print as PASSED. */
    public void passed() {
        passed = true;
    }

    @Override
    public void close() {
        figures.put("member logs", cluster.dir());
        figures.print(passed ? "PASSED" : "FAILED");
        cluster.close();
    }
}
