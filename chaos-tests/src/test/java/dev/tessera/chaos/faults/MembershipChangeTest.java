package dev.tessera.chaos.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.chaos.harness.ChaosCluster;
import dev.tessera.chaos.harness.ChaosCluster.Options;
import dev.tessera.chaos.harness.ChaosCluster.WorkloadSpec;
import dev.tessera.chaos.harness.ChaosRun;
import dev.tessera.chaos.harness.MemberProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults 4 and 7: members joining and leaving gracefully (SIGTERM: the member hands its partitions over before it
 * disconnects) while writes go on, and a rolling restart of every member. No member is ever suspected, so besides
 * "nothing acknowledged lost" the history must be linearizable, and a bulk map must come through complete.
 */
class MembershipChangeTest {
    private static final String BULK = "bulk";
    private static final long BULK_ENTRIES = 20_000;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void memberJoins_thenOneLeavesGracefully_underWrites() {
        try (ChaosRun run = ChaosRun.start("join-leave", 3, WorkloadSpec.defaults(71), Options.defaults())) {
            ChaosCluster c = run.cluster();
            preload(run);
            run.startWorkloads(c.running());
            run.awaitProgress(100);

            run.faultStarts();
            MemberProcess joiner = c.add();
            c.startWorkload(joiner, run.spec());
            run.awaitRecovery("join: ", run.faultStart(), c.running(), Map.of(BULK, 1));
            verifyBulk(run, "after the join");
            run.awaitProgress(100);

            long leaveAt = System.nanoTime();
            c.leave(c.member("m2"));
            run.figures().seconds("leave: graceful stop took", Duration.ofNanos(System.nanoTime() - leaveAt));
            run.awaitRecovery("leave: ", leaveAt, c.running(), Map.of(BULK, 1));
            run.faultEnds();
            verifyBulk(run, "after the leave");
            run.awaitProgress(100);

            ChaosRun.Result r = run.finish(c.member("m1"));
            FaultAssertions.assertNoLossNoInvention(r);
            FaultAssertions.assertLinearizable(r);
            run.passed();
        }
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void rollingRestart_ofEveryMember_underWrites() {
        try (ChaosRun run = ChaosRun.start("rolling-restart", 3, WorkloadSpec.defaults(72), Options.defaults())) {
            ChaosCluster c = run.cluster();
            preload(run);
            run.startWorkloads(c.running());
            run.awaitProgress(100);

            run.faultStarts();
            for (MemberProcess old : List.copyOf(c.running())) {
                long t0 = System.nanoTime();
                c.leave(old);
                c.awaitStable(c.running(), Duration.ofSeconds(60));
                MemberProcess replacement = c.add();
                c.startWorkload(replacement, run.spec());
                run.awaitRecovery("restart of " + old.name() + " as " + replacement.name() + ": ", t0, c.running(),
                        Map.of(BULK, 1));
                run.awaitProgress(50);
            }
            run.faultEnds();
            assertThat(c.running()).extracting(MemberProcess::name).containsExactly("m4", "m5", "m6");
            verifyBulk(run, "after the rolling restart");

            ChaosRun.Result r = run.finish(c.member("m4"));
            FaultAssertions.assertNoLossNoInvention(r);
            FaultAssertions.assertLinearizable(r);
            run.passed();
        }
    }

    private static void preload(ChaosRun run) {
        Duration d = run.cluster().preloadParallel(run.cluster().running(), BULK, 1, "AVAILABLE", BULK_ENTRIES);
        run.figures().put("preloaded", BULK_ENTRIES + " entries in " + d.toMillis() + " ms");
        run.cluster().awaitFullRedundancy(run.cluster().running(), Map.of(BULK, 1), Duration.ofSeconds(60));
    }

    private static void verifyBulk(ChaosRun run, String when) {
        MemberProcess via = run.cluster().running().get(0);
        String result = run.cluster().verifyPreload(via, BULK, 1, "AVAILABLE", 0, BULK_ENTRIES);
        run.figures().put("bulk entries " + when, result);
        assertThat(result).as("preloaded entries " + when).startsWith("present=" + BULK_ENTRIES + " missing=0 wrong=0 failed=0");
    }
}
