package dev.tessera.chaos.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The harness itself: every member process it started is gone after close(), paused ones too, also on failure. */
class HarnessTest {

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void closeEndsEveryMember_pausedOnesToo_evenWhenTheTestFails() {
        List<Long> pids = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (ChaosCluster c = ChaosCluster.start("harness", 2, ChaosCluster.Options.defaults())) {
                c.all().forEach(m -> pids.add(m.pid()));
                assertThat(c.health(c.member("m1")).view()).containsExactly("m1", "m2");
                MemberProcess late = c.launchInBackground(); // still starting when the test fails
                pids.add(late.pid());
                c.pause(c.member("m2"));
                throw new IllegalStateException("the test failed");
            }
        }).hasMessage("the test failed");
        assertThat(pids).hasSize(3).allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive", pid).isFalse());
        assertThat(ChaosCluster.livePids()).doesNotContainAnyElementsOf(pids);
    }

    @Test
    void journalParsing_completionWins_tornLineIgnored() throws Exception {
        java.nio.file.Path j = java.nio.file.Files.createTempFile("journal", ".journal");
        java.nio.file.Files.writeString(j, String.join("\n",
                "I\tm1\tt0\t1\tW\tk1\tm1-t0-1\t100\t-1\tUNKNOWN\t-",
                "C\tm1\tt0\t1\tW\tk1\tm1-t0-1\t100\t200\tOK\t-",
                "I\tm1\tt0\t2\tW\tk2\tm1-t0-2\t300\t-1\tUNKNOWN\t-",
                "C\tm1\tt0\t2\tW\tk2\tm1-t"));
        var ops = ChaosCluster.readJournal(j);
        assertThat(ops).hasSize(2);
        assertThat(ops.get(0).completeNanos()).isEqualTo(200);
        assertThat(ops.get(1).completeNanos()).isEqualTo(-1);
        java.nio.file.Files.delete(j);
    }
}
