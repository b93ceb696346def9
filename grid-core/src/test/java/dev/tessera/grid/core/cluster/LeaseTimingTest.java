package dev.tessera.grid.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaseTimingTest {
    @Test
    void leaseIsHalfTheTimeout_renewedFourTimesPerLease() {
        LeaseTiming t = LeaseTiming.forFailureDetection(Duration.ofSeconds(3));
        assertThat(t.leaseNanos()).isEqualTo(Duration.ofMillis(1500).toNanos());
        assertThat(t.renewNanos()).isEqualTo(Duration.ofMillis(375).toNanos());
    }

    @Test
    void builtInStack_satisfiesTheInequality() {
        // Stacks: FD_ALL3 timeout = failureDetectionTimeout, interval = a quarter of it: suspicion after >= 3/4 of it
        for (long ms : new long[] {300, 2_000, 3_000, 60_000}) {
            LeaseTiming t = LeaseTiming.forFailureDetection(Duration.ofMillis(ms));
            assertThatCode(() -> t.check(ms - ms / 4, Duration.ofMillis(ms))).as("%d ms", ms).doesNotThrowAnyException();
        }
    }

    @Test
    void stackThatSuspectsSoonerThanTheLease_isRefusedNamingTheFix() {
        LeaseTiming t = LeaseTiming.forFailureDetection(Duration.ofSeconds(3));
        // a user's XML stack whose FD_ALL3 suspects after 1.5 s of silence: as long as the lease itself
        assertThatThrownBy(() -> t.check(1_500, Duration.ofSeconds(3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("read lease of CONSISTENT maps (1500 ms")
                .hasMessageContaining("1500 ms: the JGroups stack's heartbeat timeout minus its interval")
                .hasMessageContaining("lower failureDetectionTimeout");
        assertThatCode(() -> t.check(1_600, Duration.ofSeconds(3))).doesNotThrowAnyException();
    }

    @Test
    void stackWithoutHeartbeats_isCheckedAgainstTheConfiguredTimeout() {
        LeaseTiming t = LeaseTiming.forFailureDetection(Duration.ofSeconds(3));
        assertThatCode(() -> t.check(-1, Duration.ofSeconds(3))).doesNotThrowAnyException();
    }
}
