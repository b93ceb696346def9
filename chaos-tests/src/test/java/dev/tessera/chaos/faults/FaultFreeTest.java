package dev.tessera.chaos.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.chaos.harness.ChaosCluster.Options;
import dev.tessera.chaos.harness.ChaosCluster.WorkloadSpec;
import dev.tessera.chaos.harness.ChaosRun;
import dev.tessera.chaos.harness.MemberProcess;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The baseline: three members, a recorded workload on each, no fault. The history must be linearizable. */
class FaultFreeTest {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void threeMembers_noFault_historyIsLinearizable() {
        try (ChaosRun run = ChaosRun.start("fault-free", 3, WorkloadSpec.defaults(11), Options.defaults())) {
            run.startWorkloads(run.cluster().running());
            run.awaitProgress(600);
            MemberProcess reader = run.cluster().running().get(0);
            ChaosRun.Result r = run.finish(reader);

            assertThat(r.counts().ok()).isGreaterThan(1_000);
            assertThat(r.counts().failed() + r.counts().unknown()).as("failed or unknown operations without a fault").isZero();
            FaultAssertions.assertNoLossNoInvention(r);
            FaultAssertions.assertLinearizable(r);
            run.passed();
        }
    }
}
