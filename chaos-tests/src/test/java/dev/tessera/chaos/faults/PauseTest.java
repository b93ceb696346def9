package dev.tessera.chaos.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * Fault 2: SIGSTOP of a member for longer than the failure-detection timeout, then SIGCONT. The others must
 * exclude it and go on; when it resumes it must merge back. One member lost at a time with one backup: nothing
 * acknowledged may be lost. A paused primary resumes believing it still owns its partitions, so the history may
 * contain stale reads until it learns otherwise: linearizability is reported, not asserted (DESIGN.md promises it
 * only while no member is suspected).
 */
class PauseTest {

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void pausePastFailureDetection_thenResume() {
        Options options = Options.defaults();
        try (ChaosRun run = ChaosRun.start("pause", 3, WorkloadSpec.defaults(31), options)) {
            run.startWorkloads(run.cluster().running());
            run.awaitProgress(150);

            MemberProcess paused = run.cluster().member("m2");
            run.faultStarts();
            run.cluster().pause(paused);
            List<MemberProcess> others = run.cluster().running();
            Duration toExclusion = run.cluster().awaitSingleView(others, Duration.ofSeconds(60));
            run.figures().seconds("s until the others' view excludes the paused member", toExclusion);
            run.awaitRecovery("while paused: ", run.faultStart(), others, Map.of());
            // stay paused clearly past the failure-detection timeout, with the others making progress meanwhile
            long pauseAtLeast = options.fdTimeoutMillis() + 3_000;
            run.awaitProgress(100);
            await("paused for " + pauseAtLeast + " ms").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).until(() -> run.sinceFault().toMillis() >= pauseAtLeast);

            long resumedAt = System.nanoTime();
            run.cluster().resume(paused);
            run.figures().seconds("paused for", Duration.ofNanos(resumedAt - run.faultStart()));
            run.awaitRecovery("after resume: ", resumedAt, run.cluster().running(), Map.of());
            run.faultEnds();
            run.awaitProgress(150);

            ChaosRun.Result r = run.finish(run.cluster().member("m1"));
            FaultAssertions.assertNoLossNoInvention(r);
            run.figures().put("linearizability asserted", "no (a paused primary may serve stale reads when it resumes)");
            assertThat(run.cluster().health(run.cluster().running()).values())
                    .allSatisfy(h -> assertThat(h.view()).hasSize(3));
            run.passed();
        }
    }
}
