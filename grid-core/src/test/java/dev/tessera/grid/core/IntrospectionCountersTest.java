package dev.tessera.grid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.GridIntrospection.MapOperation;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.GridTimeoutException;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.Registration;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The counters {@link GridIntrospection} adds for metrics: operations, timeouts, ownership, timers. */
class IntrospectionCountersTest {

    @Test
    void ownership_countsTheBackupSlotsTheMapsUse_andNothingIsUnderReplicated() {
        try (TestCluster cluster = TestCluster.start(3)) {
            cluster.members().forEach(g -> g.map("one"));
            int partitions = cluster.member(0).topology().table().partitionCount();
            assertThat(sum(cluster, o -> o.primaries())).isEqualTo(partitions);
            assertThat(sum(cluster, o -> o.backups())).isEqualTo(partitions); // one backup each, not every table slot
            cluster.members().forEach(g -> g.map("two", MapConfig.builder().backups(2).build()));
            assertThat(sum(cluster, o -> o.backups())).isEqualTo(2 * partitions);
            assertThat(cluster.member(0).introspection().ownership().replicas()).isEqualTo(3);
            for (TesseraGrid g : cluster.members()) {
                assertThat(g.introspection().underReplicatedPartitions()).isZero();
                assertThat(g.introspection().mapCount().maps()).isEqualTo(2);
            }
        }
    }

    @SuppressWarnings("try") // the timer is registered as long as the try; the body never needs it
    @Test
    void operations_areCountedAndTimed_onlyWhileATimerIsBound() {
        try (TestCluster cluster = TestCluster.start(2)) {
            GridMap<String, String> map = cluster.member(0).map("ops");
            GridIntrospection in = cluster.member(0).introspection();
            map.put("a", "1");
            map.get("a");
            map.get("b");
            List<MapOperation> timed = new ArrayList<>();
            try (Registration r = in.timeOperations((name, op, nanos) -> {
                assertThat(nanos).isNotNegative();
                synchronized (timed) {
                    timed.add(op);
                }
            })) {
                map.set("c", "3");
                map.getAsync("c").join();
                map.remove("a");
            }
            map.delete("c");
            assertThat(in.mapOperations().get("ops")).isEqualTo(new GridIntrospection.MapOperations(2, 1, 2, 2));
            assertThat(timed).containsExactly(MapOperation.PUT, MapOperation.GET_HIT, MapOperation.REMOVE);
            assertThat(in.operationStats()).isEqualTo(new GridIntrospection.OperationStats(0, 0, cluster.member(0).messagesSent()));
            assertThat(in.operationStats().messagesSent()).as("a put to a remote primary or a backup is a message").isPositive();
        }
    }

    @Test
    void anOperationThatTimesOut_isCountedOnce() {
        try (TestCluster cluster = TestCluster.start(2, b -> b.operationTimeout(Duration.ofMillis(800))
                .failureDetectionTimeout(Duration.ofSeconds(30)))) {
            TesseraGrid caller = cluster.member(0);
            GridMap<String, String> map = caller.map("slow");
            String key = keyOwnedBy(map, cluster.member(1));
            cluster.split(Set.of(0), Set.of(1));
            try {
                assertThatThrownBy(() -> map.put(key, "v")).isInstanceOf(GridTimeoutException.class);
            } finally {
                cluster.heal();
            }
            assertThat(caller.introspection().operationStats().timeouts()).isEqualTo(1);
            assertThat(caller.introspection().mapOperations().get("slow").puts()).isZero(); // failed: not counted
        }
    }

    private static String keyOwnedBy(GridMap<String, String> map, TesseraGrid owner) {
        for (int i = 0; ; i++) {
            if (map.ownerOf("k" + i).equals(owner.localMember())) {
                return "k" + i;
            }
        }
    }

    private static int sum(TestCluster cluster, java.util.function.ToIntFunction<GridIntrospection.Ownership> f) {
        int total = 0;
        for (TesseraGrid g : cluster.members()) {
            total += f.applyAsInt(g.introspection().ownership());
        }
        return total;
    }
}
