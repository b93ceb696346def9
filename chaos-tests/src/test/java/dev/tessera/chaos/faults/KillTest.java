package dev.tessera.chaos.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.chaos.harness.ChaosCluster.Options;
import dev.tessera.chaos.harness.ChaosCluster.WorkloadSpec;
import dev.tessera.chaos.harness.ChaosRun;
import dev.tessera.chaos.harness.MemberProcess;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault 1: kill -9 of members under a recorded workload, as many at once as the map has backups. Nothing
 * acknowledged may be lost (R1) and the history must stay linearizable (crash faults only).
 */
class KillTest {

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void killOneMember_withOneBackup() {
        killOne("kill-one", Options.defaults());
    }

    /** The same with every member holding the shared secret (encrypted, authenticated traffic). */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void killOneMember_withOneBackup_sharedSecret() {
        killOne("kill-one-secret", Options.defaults().withSharedSecret("chaos-suite-shared-secret-0123456789"));
    }

    private static void killOne(String name, Options options) {
        try (ChaosRun run = ChaosRun.start(name, 3, WorkloadSpec.defaults(21), options)) {
            run.startWorkloads(run.cluster().running());
            run.awaitProgress(150);

            MemberProcess victim = run.cluster().member("m3");
            run.faultStarts();
            run.cluster().crash(victim);
            List<MemberProcess> survivors = run.cluster().running();
            run.awaitRecovery("", run.faultStart(), survivors, Map.of());
            run.faultEnds();
            run.awaitProgress(150);

            ChaosRun.Result r = run.finish(survivors.get(0));
            FaultAssertions.assertNoLossNoInvention(r);
            FaultAssertions.assertLinearizable(r);
            run.passed();
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void killTwoMembersAtOnce_withTwoBackups() {
        try (ChaosRun run = ChaosRun.start("kill-two", 4, WorkloadSpec.defaults(22).withBackups(2), Options.defaults())) {
            run.startWorkloads(run.cluster().running());
            run.awaitProgress(150);

            run.faultStarts();
            run.cluster().crash(run.cluster().member("m2"), run.cluster().member("m4"));
            List<MemberProcess> survivors = run.cluster().running();
            assertThat(survivors).extracting(MemberProcess::name).containsExactly("m1", "m3");
            run.awaitRecovery("", run.faultStart(), survivors, Map.of());
            run.faultEnds();
            run.awaitProgress(150);

            ChaosRun.Result r = run.finish(survivors.get(1));
            FaultAssertions.assertNoLossNoInvention(r);
            FaultAssertions.assertLinearizable(r);
            run.passed();
        }
    }
}
