package dev.tessera.chaos.explore;

import static org.awaitility.Awaitility.await;

import dev.tessera.chaos.explore.FaultSchedule.Fault;
import dev.tessera.chaos.history.HistoryChecks;
import dev.tessera.chaos.history.HistoryChecks.FinalRead;
import dev.tessera.chaos.history.LinearizabilityChecker;
import dev.tessera.chaos.history.Op;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.Member;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.Replicas;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link FaultSchedule} in-process (members of the grid-core test kit on SHARED_LOOPBACK) with a writer on
 * every member, then heals and checks the history as the multi-JVM suite does: no acknowledged write lost (at most
 * one member is lost at once, the map keeps one backup), no read or final value that nobody wrote, per-key
 * linearizability when the schedule has only crashes and membership changes, and after the heal a stable table with
 * every replica holding exactly its primary's entries. Every problem names the seed; {@link #run} replays it.
 */
public final class ScheduleExplorer {
    private static final Logger log = LoggerFactory.getLogger(ScheduleExplorer.class);
    /** Bound on a cut-off: the test kit's failure detection takes 2 s. */
    private static final Duration CUT_OFF_MAX = Duration.ofSeconds(20);
    private static final int KEYS = 8;
    /** Operations the writers complete before the first fault and after each heal. */
    private static final int PROGRESS = 300;

    /** What one schedule did and what the checks found; {@code problems} is empty when it passed. */
    public record Result(FaultSchedule schedule, long ops, long ackedWrites, long millis, List<String> problems) {
        @Override
        public String toString() {
            return schedule + " -> " + ops + " ops (" + ackedWrites + " acknowledged writes) in " + millis + " ms"
                    + (problems.isEmpty() ? ", ok" : ", FAILED: " + problems + "; replay with -Dexplorer.seed="
                    + schedule.seed());
        }
    }

    private ScheduleExplorer() {}

    public static Result run(long seed) throws InterruptedException {
        FaultSchedule schedule = FaultSchedule.random(seed);
        long t0 = System.nanoTime();
        Random r = FaultSchedule.random(seed, 1);
        Writers writers = new Writers(KEYS, seed);
        List<String> problems = new ArrayList<>();
        int[] processes = {0};
        List<Op> ops;
        try (TestCluster cluster = TestCluster.start(schedule.initialMembers())) {
            for (TesseraGrid g : cluster.members()) {
                writers.start(g, "p" + processes[0]++);
            }
            writers.awaitProgress(PROGRESS, Duration.ofSeconds(30)); // faults hit a running workload
            for (Fault f : schedule.steps()) {
                log.info("[explorer seed {}] {} on {} members", seed, f, cluster.size());
                apply(f, cluster, r, writers, processes);
                cluster.awaitStable();
                writers.awaitProgress(PROGRESS, Duration.ofSeconds(30));
            }
            Replicas.awaitMatching(cluster, Writers.MAP, 1, Duration.ofSeconds(30));
            ops = writers.stop();
            Map<String, FinalRead> finals = finalReads(cluster.member(0));
            check(schedule, ops, finals, problems);
        } catch (AssertionError | RuntimeException e) {
            problems.add(e.toString());
            ops = writers.stop();
        }
        long acked = ops.stream().filter(o -> o.write() && o.ok()).count();
        Result result = new Result(schedule, ops.size(), acked, (System.nanoTime() - t0) / 1_000_000, problems);
        log.info("[explorer] {}", result);
        return result;
    }

    private static void apply(Fault f, TestCluster cluster, Random r, Writers writers, int[] processes) {
        switch (f) {
            case CRASH -> cluster.crash(1 + r.nextInt(cluster.size() - 1));
            case CRASH_COORDINATOR -> cluster.crash(coordinator(cluster));
            case LEAVE -> cluster.leave(1 + r.nextInt(cluster.size() - 1));
            case LEAVE_COORDINATOR -> cluster.leave(coordinator(cluster));
            case JOIN -> writers.start(cluster.addMember(), "p" + processes[0]++);
            case KILL_DURING_MIGRATION -> {
                TesseraGrid joiner = cluster.addMember();
                writers.start(joiner, "p" + processes[0]++);
                TesseraGrid any = cluster.member(0);
                await().atMost(Duration.ofSeconds(20)).until(() -> any.topology().table().members()
                        .contains(joiner.topology().self()));
                cluster.crash(r.nextInt(cluster.size() - 1)); // not the joiner (the last one)
            }
            case ISOLATE -> cutOff(cluster, Set.of(cluster.members().get(r.nextInt(cluster.size()))));
            case SPLIT -> {
                List<TesseraGrid> all = new ArrayList<>(cluster.members());
                java.util.Collections.shuffle(all, r);
                cutOff(cluster, Set.copyOf(all.subList(0, (all.size() - 1) / 2)));
            }
            case RESTART -> {
                cluster.leave(r.nextInt(cluster.size()));
                writers.start(cluster.addMember(), "p" + processes[0]++);
            }
        }
    }

    /** Drops all traffic between {@code minority} and the rest until the rest's views exclude it, then heals. */
    private static void cutOff(TestCluster cluster, Set<TesseraGrid> minority) {
        Set<Integer> small = new HashSet<>();
        Set<Integer> large = new HashSet<>();
        List<TesseraGrid> members = cluster.members();
        for (int i = 0; i < members.size(); i++) {
            (minority.contains(members.get(i)) ? small : large).add(i);
        }
        cluster.split(small, large);
        // held until the larger side's views no longer have the cut-off members: past failure detection
        List<TesseraGrid> rest = cluster.members().stream().filter(g -> !minority.contains(g)).toList();
        await("the larger side drops the cut-off members").atMost(CUT_OFF_MAX).pollInterval(Duration.ofMillis(100))
                .until(() -> rest.stream().allMatch(g -> g.members().size() == rest.size()));
        cluster.heal();
    }

    private static int coordinator(TestCluster cluster) {
        Member coordinator = cluster.member(0).members().get(0);
        List<TesseraGrid> ms = cluster.members();
        for (int i = 0; i < ms.size(); i++) {
            if (ms.get(i).localMember().equals(coordinator)) {
                return i;
            }
        }
        return 0;
    }

    private static Map<String, FinalRead> finalReads(TesseraGrid reader) {
        GridMap<String, String> map = reader.map(Writers.MAP, Writers.CONFIG);
        Map<String, FinalRead> out = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            String key = "k" + i;
            try {
                out.put(key, new FinalRead(key, map.get(key), true));
            } catch (RuntimeException e) {
                log.warn("[explorer] final read of {} failed: {}", key, e.toString());
                out.put(key, new FinalRead(key, null, false));
            }
        }
        return out;
    }

    private static void check(FaultSchedule schedule, List<Op> ops, Map<String, FinalRead> finals, List<String> problems) {
        HistoryChecks.FinalState fin = HistoryChecks.finalState(ops, finals);
        if (!fin.noLoss()) {
            problems.add("final state: " + fin);
        }
        HistoryChecks.BadReads bad = HistoryChecks.badReads(ops);
        if (!bad.none()) {
            problems.add("bad reads: " + bad);
        }
        if (schedule.crashOnly()) {
            LinearizabilityChecker.Report lin = LinearizabilityChecker.check(ops, 200_000);
            if (!lin.violations().isEmpty()) {
                problems.add("not linearizable: " + lin.violations().get(0).key() + ": " + lin.violations().get(0).detail());
            }
        }
    }
}
