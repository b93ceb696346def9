package dev.tessera.grid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.GridSerializationException;
import dev.tessera.grid.GridTimeoutException;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.Member;
import dev.tessera.grid.MembershipEvent;
import dev.tessera.grid.Transport;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Lifecycle, misconfiguration and bad input: each fails early with a typed error that says what to fix. */
class LifecycleAndInputTest {

    record Unregistered(String name) {}

    record Registered(String name, int qty) {}

    @Test
    void closedGrid_rejectsOperationsWithIllegalState() {
        TestCluster cluster = TestCluster.start(1);
        TesseraGrid grid = cluster.member(0);
        GridMap<String, String> map = grid.map("m");
        map.put("k", "v");
        cluster.leave(0);
        assertThat(grid.isRunning()).isFalse();
        assertThatThrownBy(() -> map.get("k")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> map.put("k", "v")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> grid.map("other")).isInstanceOf(IllegalStateException.class);
        grid.close(); // idempotent
    }

    @Test
    void closedGrid_rejectsMembershipQueriesWithIllegalState() {
        TestCluster cluster = TestCluster.start(1);
        TesseraGrid grid = cluster.member(0);
        assertThat(grid.members()).hasSize(1);
        assertThat(grid.localMember()).isEqualTo(grid.members().get(0));
        cluster.leave(0);
        assertThatThrownBy(grid::members).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(grid::localMember).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> grid.addMembershipListener(e -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void badConfiguration_failsAtBuildTimeWithTheFix() {
        assertThatThrownBy(() -> MapConfig.builder().backups(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backups must be between 0 and 6");
        assertThatThrownBy(() -> MapConfig.builder().backups(7).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MapConfig.builder().backups(4).asyncBackups(3).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("asyncBackups");
        assertThatThrownBy(() -> Grid.builder().partitionCount(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partitionCount must be between 1 and 65536");
        assertThatThrownBy(() -> Grid.builder().transport(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("Transport.inProcess()");
        assertThatThrownBy(() -> Grid.builder().operationTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Transport.tcp(70000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Grid.builder().clusterName(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mapConfigConflict_isRejected() {
        try (TestCluster cluster = TestCluster.start(1)) {
            cluster.member(0).map("conf", MapConfig.builder().backups(2).build());
            assertThatThrownBy(() -> cluster.member(0).map("conf", MapConfig.defaults()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already exists");
        }
    }

    @Test
    void unregisteredType_failsOnTheCallerBeforeAnyMessage() {
        try (TestCluster cluster = TestCluster.start(2, b -> b.registerType(Registered.class))) {
            GridMap<String, Object> map = cluster.member(0).map("types");
            long sentBefore = cluster.member(0).messagesSent();
            assertThatThrownBy(() -> map.put("k", new Unregistered("x")))
                    .isInstanceOf(GridSerializationException.class)
                    .hasMessageContaining(Unregistered.class.getName())
                    .hasMessageContaining("registerType");
            assertThat(cluster.member(0).messagesSent()).isEqualTo(sentBefore);
            map.put("ok", new Registered("apples", 3));
            assertThat(cluster.member(1).<String, Object>map("types").get("ok")).isEqualTo(new Registered("apples", 3));
        }
    }

    @Test
    void readOfLocallyOwnedKey_sendsNoMessage() {
        try (TestCluster cluster = TestCluster.start(3)) {
            TesseraGrid grid = cluster.member(1);
            GridMap<String, String> map = grid.map("local");
            List<String> localKeys = new java.util.ArrayList<>();
            for (int i = 0; localKeys.size() < 100; i++) {
                String key = "key-" + i;
                map.put(key, "v" + i);
                if (map.ownerOf(key).equals(grid.localMember())) {
                    localKeys.add(key);
                }
            }
            long before = grid.messagesSent();
            for (String key : localKeys) {
                assertThat(map.get(key)).isNotNull();
            }
            assertThat(grid.messagesSent() - before).isZero();
        }
    }

    @Test
    void unresponsiveOwner_givesTypedTimeoutNamingPartitionAndMember() {
        try (TestCluster cluster = TestCluster.start(2, b -> b.operationTimeout(Duration.ofMillis(700))
                .failureDetectionTimeout(Duration.ofSeconds(60)))) {
            TesseraGrid caller = cluster.member(0);
            TesseraGrid owner = cluster.member(1);
            GridMap<String, String> map = caller.map("timeouts");
            String remoteKey = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "k" + i)
                    .filter(k -> map.ownerOf(k).equals(owner.localMember())).findFirst().orElseThrow();
            cluster.isolate(cluster.members().indexOf(caller), cluster.members().indexOf(owner));
            assertThatThrownBy(() -> map.get(remoteKey))
                    .isInstanceOfSatisfying(GridTimeoutException.class, e -> {
                        assertThat(e.partition()).isEqualTo(map.partitionOf(remoteKey));
                        assertThat(e.member()).isNotNull();
                        assertThat(e.getMessage()).contains("partition " + map.partitionOf(remoteKey));
                    });
            cluster.heal();
        }
    }

    @Test
    void membershipListener_seesJoinAndLeave() {
        try (TestCluster cluster = TestCluster.start(1)) {
            List<MembershipEvent> events = new CopyOnWriteArrayList<>();
            cluster.member(0).addMembershipListener(events::add);
            TesseraGrid joiner = cluster.addMember();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                    .anyMatch(e -> e.type() == MembershipEvent.Type.JOINED && e.member().equals(joiner.localMember())));
            cluster.awaitStable();
            Member joined = joiner.localMember(); // a closed member no longer answers
            cluster.leave(1);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                    .anyMatch(e -> e.type() == MembershipEvent.Type.LEFT && e.member().equals(joined)));
            assertThat(cluster.member(0).members()).hasSize(1);
        }
    }
}
