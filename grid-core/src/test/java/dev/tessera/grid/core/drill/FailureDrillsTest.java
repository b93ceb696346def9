package dev.tessera.grid.core.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.Member;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The drills act through the public API's member ids, and the introspection figures the demo's health page reads. */
class FailureDrillsTest {

    @Test
    void isolateFrom_cutsOffTheNamedMembers_untilHealed() {
        try (TestCluster cluster = TestCluster.start(3)) {
            TesseraGrid m0 = cluster.member(0);
            String m2 = cluster.member(2).localMember().id();
            FailureDrills drills = FailureDrills.of(m0);

            drills.isolateFrom(List.of(m2));
            assertThat(drills.isolatedFrom()).containsExactly(m2);
            await("m0's view loses m2").atMost(Duration.ofSeconds(30))
                    .until(() -> m0.members().stream().noneMatch(m -> m.id().equals(m2)));

            drills.heal();
            assertThat(drills.isolatedFrom()).isEmpty();
            cluster.awaitStable();
            assertThat(m0.members()).extracting(Member::id).contains(m2);
        }
    }

    @Test
    void isolateFrom_refusesWhatIsNotAMemberId() {
        try (TestCluster cluster = TestCluster.start(1)) {
            FailureDrills drills = FailureDrills.of(cluster.member(0));
            assertThatThrownBy(() -> drills.isolateFrom(List.of("m2"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'m2'").hasMessageContaining("Member.id()");
            assertThat(drills.isolatedFrom()).isEmpty();
            assertThatThrownBy(() -> drills.replicaDigest("m", 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least 1");
        }
    }

    @Test
    void crash_isSeenByTheOthers_andTheViewAndTableFiguresFollow() {
        try (TestCluster cluster = TestCluster.start(3)) {
            GridMap<String, String> map = cluster.member(0).map("digest");
            for (int i = 0; i < 200; i++) {
                map.put("k" + i, "v" + i);
            }
            long view = cluster.member(0).introspection().viewId();
            for (TesseraGrid g : cluster.members()) {
                GridIntrospection in = g.introspection();
                assertThat(in.viewId()).isEqualTo(view);
                assertThat(new HashSet<>(in.partitionTable().members())).isEqualTo(new HashSet<>(g.members()));
            }
            // every partition's primary line and backup line carry the same entries and digest
            assertThat(digestTotal(cluster, 0)).isEqualTo(digestTotal(cluster, 1)).isEqualTo(200);

            TesseraGrid victim = cluster.member(2);
            Set<String> victimId = Set.of(victim.localMember().id());
            cluster.crash(2); // FailureDrills.crash()
            assertThat(victim.isRunning()).isFalse();
            cluster.awaitStable();
            TesseraGrid m0 = cluster.member(0);
            assertThat(m0.introspection().viewId()).isGreaterThan(view);
            assertThat(m0.introspection().partitionTable().members()).extracting(Member::id).doesNotContainAnyElementsOf(victimId);
            assertThat(digestTotal(cluster, 0)).isEqualTo(digestTotal(cluster, 1)).isEqualTo(200);
        }
    }

    /** Entries summed over every member's digest lines of replica slot {@code slot}. */
    private static long digestTotal(TestCluster cluster, int slot) {
        long total = 0;
        for (TesseraGrid g : cluster.members()) {
            for (String line : FailureDrills.of(g).replicaDigest("digest", 2).split("\n")) {
                String[] f = line.split(" ");
                if (f.length == 5 && Integer.parseInt(f[1]) == slot) {
                    total += Integer.parseInt(f[3]);
                }
            }
        }
        return total;
    }
}
