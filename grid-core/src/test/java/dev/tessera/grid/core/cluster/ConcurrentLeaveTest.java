package dev.tessera.grid.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.GridIntrospection.StopSafety;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A scale-down that stops more members at once than a map has backups (Kubernetes scaling a Deployment from 4 to 2
 * sends both pods SIGTERM together). The coordinator plans every leaver's hand-over in one table: their partitions'
 * targets are the members that stay, and each leaver stays an owner (and keeps serving) until its partitions are
 * committed elsewhere. Nothing is lost provided each leaver lives until its {@code close()} returns, which is what the
 * termination grace period must allow for; while it runs, the others report that stopping is not safe.
 */
class ConcurrentLeaveTest {

    /** Members {@code first} and {@code second} leave; 0 is the coordinator, whose own leave hands the role on. */
    @ParameterizedTest(name = "members {0} and {1} leave at once")
    @CsvSource({"2, 3", "0, 1"})
    void twoOfFourMembersLeavingAtOnceLoseNothingEvenWithoutBackups(int first, int second) throws Exception {
        try (TestCluster cluster = TestCluster.start(4)) {
            GridMap<Integer, Integer> none = cluster.member(0).map("no-backup", MapConfig.builder().backups(0).build());
            GridMap<Integer, Integer> one = cluster.member(0).map("one-backup");
            int n = 10_000;
            for (int i = 0; i < n; i++) {
                none.set(i, i);
                one.set(i, i);
            }
            TesseraGrid stays = cluster.member(first == 0 ? 3 : 0);
            assertThat(stays.introspection().stopSafety().safe()).isTrue();

            List<StopSafety> seen = new ArrayList<>();
            AtomicBoolean leaving = new AtomicBoolean(true);
            CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
                while (leaving.get()) {
                    seen.add(stays.introspection().stopSafety());
                }
            });
            TesseraGrid a = cluster.member(first);
            TesseraGrid b = cluster.member(second);
            CompletableFuture<Void> leaveA = CompletableFuture.runAsync(a::close);
            CompletableFuture<Void> leaveB = CompletableFuture.runAsync(b::close);
            CompletableFuture.allOf(leaveA, leaveB).join();
            leaving.set(false);
            watcher.join();

            GridMap<Integer, Integer> noneAfter = stays.map("no-backup", MapConfig.builder().backups(0).build());
            GridMap<Integer, Integer> oneAfter = stays.map("one-backup");
            int missing = 0;
            for (int i = 0; i < n; i++) {
                if (!Integer.valueOf(i).equals(noneAfter.get(i))) {
                    missing++;
                }
            }
            assertThat(missing).as("entries of the map without backups not found after the leave").isZero();
            assertThat(noneAfter.size()).isEqualTo(n);
            assertThat(oneAfter.size()).isEqualTo(n);
            assertThat(seen).as("while two members hand over, the one that stays is not safe to stop")
                    .anyMatch(s -> !s.safe() && s.migratingPartitions() > 0);
            assertThat(stays.members()).hasSize(2);
            StopSafety after = stays.introspection().stopSafety();
            assertThat(after.safe()).isFalse(); // two members, one backup: stopping either leaves one copy
            assertThat(after.reasons()).singleElement().asString().contains("1 member cannot hold 2 replicas");
        }
    }
}
