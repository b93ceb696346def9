package dev.tessera.chaos.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.chaos.harness.ChaosCluster;
import dev.tessera.chaos.harness.ChaosCluster.Options;
import dev.tessera.chaos.harness.ChaosCluster.WorkloadSpec;
import dev.tessera.chaos.harness.ChaosRun;
import dev.tessera.chaos.harness.MemberProcess;
import dev.tessera.chaos.history.HistoryChecks;
import dev.tessera.chaos.history.HistoryChecks.FinalRead;
import dev.tessera.chaos.history.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault 3: network partitions 2|1 and 3|2 (every member drops all traffic to and from the other side, through
 * {@code /admin/isolate}), then heal, for both split-brain modes.
 *
 * <ul>
 *   <li>CONSISTENT: the minority refuses writes with {@code GridUnavailableException} within a few seconds, the
 *       majority keeps serving; after the heal one view, a balanced table, full redundancy, and no acknowledged
 *       write lost (the minority is never larger than the backup count here). The minority's primaries lose their
 *       read lease (ADR 0013), so no read there returns a value the majority overwrote: per-key linearizability of
 *       the whole history is asserted for both splits. (The 3|2 split once found a minority primary acknowledging a
 *       write whose copy to the other side ended at its view change; such a write now waits for a lease round that
 *       confirms a quorum, {@code ConsistentWriteQuorumTest}.)</li>
 *   <li>AVAILABLE: both sides serve. The workload stops before the heal and every key is read on each side; after
 *       the heal one view, a balanced table, full redundancy, and every key holds a value that was written. How many
 *       acknowledged writes of the losing side the merge overwrote is reported: that is AVAILABLE's documented
 *       cost.</li>
 * </ul>
 */
class PartitionTest {
    private static final Logger log = LoggerFactory.getLogger(PartitionTest.class);
    /** How soon after the split a CONSISTENT minority must refuse every write: FD timeout + verification + slack. */
    private static final long REFUSAL_BOUND_MILLIS = Options.defaults().fdTimeoutMillis() + 4_000;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void consistent_split2v1_thenHeal() {
        consistent("partition-consistent-2v1", 2, 1, 1, 41);
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void consistent_split3v2_thenHeal() {
        consistent("partition-consistent-3v2", 3, 2, 2, 42);
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void available_split2v1_thenHeal() {
        available("partition-available-2v1", 2, 1, 1, 43);
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void available_split3v2_thenHeal() {
        available("partition-available-3v2", 3, 2, 2, 44);
    }

    // --------------------------------------------------------------------------------------------- CONSISTENT

    private void consistent(String name, int majoritySize, int minoritySize, int backups, long seed) {
        WorkloadSpec spec = WorkloadSpec.defaults(seed).withBackups(backups).withMode("CONSISTENT");
        try (ChaosRun run = ChaosRun.start(name, majoritySize + minoritySize, spec, Options.defaults())) {
            ChaosCluster c = run.cluster();
            List<MemberProcess> all = c.running();
            List<MemberProcess> majority = all.subList(0, majoritySize);
            List<MemberProcess> minority = all.subList(majoritySize, all.size());
            run.figures().put("sides", names(majority) + " | " + names(minority));
            run.startWorkloads(all);
            run.awaitProgress(150);

            run.faultStarts();
            c.split(List.of(majority, minority));
            awaitSplit(run, majority, minority);
            run.awaitProgress(majority, 100);
            // the minority must be refusing; keep the split until it has refused for a while past the bound
            c.awaitCounter(minority, "failed", 20, Duration.ofSeconds(60));
            await("split held past the refusal bound").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> run.sinceFault().toMillis() >= REFUSAL_BOUND_MILLIS + 2_000);

            long healAt = System.nanoTime();
            c.heal();
            run.figures().put("heal at", run.rel(healAt));
            run.awaitRecovery("after heal: ", healAt, all, Map.of());
            run.faultEnds();
            run.awaitProgress(150);
            ChaosRun.Result r = run.finish(majority.get(0));

            Set<String> minorityNames = minority.stream().map(MemberProcess::name).collect(Collectors.toSet());
            List<Op> minorityWrites = r.ops().stream()
                    .filter(op -> op.write() && minorityNames.contains(op.member()))
                    .filter(op -> op.invoke() >= run.faultStart() && op.invoke() < healAt).toList();
            long lastAckedAt = minorityWrites.stream().filter(Op::ok).mapToLong(Op::complete).max().orElse(run.faultStart());
            List<Op> lateNotRefused = minorityWrites.stream()
                    .filter(op -> op.invoke() >= run.faultStart() + TimeUnit.MILLISECONDS.toNanos(REFUSAL_BOUND_MILLIS))
                    .filter(op -> op.outcome() != Op.Outcome.FAIL).toList();
            run.figures()
                    .seconds("minority: last acknowledged write after the split at", Duration.ofNanos(lastAckedAt - run.faultStart()))
                    .put("minority writes during the split", minorityWrites.size() + " (acknowledged "
                            + minorityWrites.stream().filter(Op::ok).count() + ", refused "
                            + minorityWrites.stream().filter(op -> op.outcome() == Op.Outcome.FAIL).count() + ", unknown "
                            + minorityWrites.stream().filter(op -> op.outcome() == Op.Outcome.UNKNOWN).count() + ")")
                    .put("minority writes not refused after " + REFUSAL_BOUND_MILLIS + " ms", lateNotRefused.size())
                    .put("majority availability during the split", HistoryChecks.availability(r.ops(), run.faultStart(),
                            healAt, op -> !minorityNames.contains(op.member())))
                    .put("reads that saw a refused write", r.badReads().ofFailedWrites().size());

            assertThat(lateNotRefused).as("minority writes invoked more than %d ms into the split that were not refused"
                    + " with GridUnavailableException", REFUSAL_BOUND_MILLIS).isEmpty();
            FaultAssertions.assertNoLossNoInvention(r);
            assertThat(r.badReads().ofFailedWrites()).as("reads that returned the value of a write refused with"
                    + " GridUnavailableException (refused must mean not applied; see the log for when each was written)")
                    .isEmpty();
            run.figures().put("linearizability asserted", "yes (CONSISTENT: read lease, ADR 0013)");
            FaultAssertions.assertLinearizable(r);
            run.passed();
        }
    }

    // --------------------------------------------------------------------------------------------- AVAILABLE

    private void available(String name, int majoritySize, int minoritySize, int backups, long seed) {
        WorkloadSpec spec = WorkloadSpec.defaults(seed).withBackups(backups).withMode("AVAILABLE");
        try (ChaosRun run = ChaosRun.start(name, majoritySize + minoritySize, spec, Options.defaults())) {
            ChaosCluster c = run.cluster();
            List<MemberProcess> all = c.running();
            List<MemberProcess> sideA = all.subList(0, majoritySize);
            List<MemberProcess> sideB = all.subList(majoritySize, all.size());
            run.figures().put("sides", names(sideA) + " | " + names(sideB));
            run.startWorkloads(all);
            run.awaitProgress(150);

            run.faultStarts();
            c.split(List.of(sideA, sideB));
            awaitSplit(run, sideA, sideB);
            run.awaitProgress(all, 150); // both sides serve
            List<Op> ops = c.stopWorkloadsAndCollect();
            List<Op> reads = new ArrayList<>();
            Map<String, FinalRead> onA = c.finalRead(sideA.get(0), spec, reads);
            Map<String, FinalRead> onB = c.finalRead(sideB.get(0), spec, reads);

            long healAt = System.nanoTime();
            c.heal();
            run.awaitRecovery("after heal: ", healAt, all, Map.of());
            run.faultEnds();
            Map<String, FinalRead> finals = c.finalRead(sideA.get(0), spec, reads);
            List<Op> sideReads = reads; // side reads and final reads, all part of the history
            ChaosRun.Result r = run.check(ops, finals, sideReads);

            Set<String> namesA = sideA.stream().map(MemberProcess::name).collect(Collectors.toSet());
            int diverged = 0;
            int mergedToNeither = 0;
            long overwritten = 0;
            long keysWonByB = 0;
            for (String key : finals.keySet()) {
                String a = value(onA.get(key));
                String b = value(onB.get(key));
                String f = value(finals.get(key));
                if (Objects.equals(a, b)) {
                    continue;
                }
                diverged++;
                boolean aWon = Objects.equals(f, a);
                boolean bWon = Objects.equals(f, b);
                if (!aWon && !bWon) {
                    mergedToNeither++;
                    Map<String, Op> w = HistoryChecks.writesByKeyAndValue(ops).getOrDefault(key, Map.of());
                    log.info("[{}] {} merged to neither side: side A {} ({}), side B {} ({}), merged {} ({})", name, key,
                            a, describe(run, w.get(a)), b, describe(run, w.get(b)), f, describe(run, w.get(f)));
                    continue;
                }
                if (bWon) {
                    keysWonByB++;
                }
                boolean loserIsA = bWon;
                overwritten += ops.stream().filter(op -> op.write() && op.ok() && op.key().equals(key))
                        .filter(op -> op.invoke() >= run.faultStart() && namesA.contains(op.member()) == loserIsA).count();
            }
            long keysWithoutValueOnB = onB.values().stream().filter(fr -> fr.readable() && fr.value() == null).count();
            long unreadableOnB = onB.values().stream().filter(fr -> !fr.readable()).count();
            run.figures()
                    .put("keys that diverged during the split", diverged + " of " + finals.size())
                    .put("diverged keys won by side " + names(sideB), keysWonByB)
                    .put("diverged keys whose merged value is neither side's", mergedToNeither)
                    .put("acknowledged writes of the losing side overwritten by the merge", overwritten)
                    .put("keys without a value on side " + names(sideB) + " during the split", keysWithoutValueOnB
                            + " (unreadable " + unreadableOnB + ")")
                    .put("availability during the split", HistoryChecks.availability(ops, run.faultStart(), healAt, op -> true))
                    .put("linearizability asserted", "no (AVAILABLE serves both sides of a split)");

            assertThat(r.finalState().unreadable()).as("keys unreadable after the heal").isZero();
            assertThat(r.finals().values()).as("every key holds a value after the heal").allSatisfy(fr ->
                    assertThat(fr.value()).as(fr.key()).isNotNull());
            assertThat(r.finalState().invented()).as("final values nobody wrote").isEmpty();
            assertThat(r.finalState().refusedWriteVisible()).as("final values of refused writes").isEmpty();
            assertThat(r.badReads().invented()).as("reads of values nobody wrote").isEmpty();
            assertThat(mergedToNeither).as("diverged keys merged to a value neither side held").isZero();
            run.passed();
        }
    }

    private static String describe(ChaosRun run, Op w) {
        return w == null ? "no such write" : w.outcome() + " " + run.rel(w.invoke()) + ".." + run.rel(w.complete());
    }

    private static String value(FinalRead fr) {
        return fr == null || !fr.readable() ? null : fr.value();
    }

    private static void awaitSplit(ChaosRun run, List<MemberProcess> a, List<MemberProcess> b) {
        run.cluster().awaitSingleView(a, Duration.ofSeconds(60));
        run.cluster().awaitSingleView(b, Duration.ofSeconds(60));
        run.figures().seconds("s until both sides see the split", run.sinceFault());
    }

    private static String names(List<MemberProcess> ms) {
        return ms.stream().map(MemberProcess::name).toList().toString();
    }
}
