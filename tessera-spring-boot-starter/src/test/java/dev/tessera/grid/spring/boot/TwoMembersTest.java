package dev.tessera.grid.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridIntrospection.MapStats;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.testkit.GridInvariants;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two application contexts in one JVM, each a member over TCP on 127.0.0.1: one cluster. Each test ends by checking
 * the grid's invariants over the members still running ({@link GridInvariants#assertHold}), with entries in a map
 * that keeps a backup, so that the check compares replicas that hold data.
 */
class TwoMembersTest {
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private ConfigurableApplicationContext a;
    private ConfigurableApplicationContext b;

    @AfterEach
    void close() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private void startTwo() {
        int port = TestApp.freePorts(2);
        String cluster = "spring-" + UUID.randomUUID();
        String peers = "tessera.transport.peers=127.0.0.1[" + port + "],127.0.0.1[" + (port + 1) + "]";
        a = TestApp.start("tessera.cluster-name=" + cluster, "tessera.member-name=a", "tessera.transport.port=" + port,
                "tessera.transport.port-range=0", peers, "tessera.maps.orders.backups=0");
        b = TestApp.start("tessera.cluster-name=" + cluster, "tessera.member-name=b",
                "tessera.transport.port=" + (port + 1), "tessera.transport.port-range=0", peers,
                "tessera.maps.orders.backups=0");
        await().atMost(Duration.ofSeconds(30)).until(() -> grid(a).members().size() == 2 && grid(b).members().size() == 2);
    }

    @Test
    void cacheableResultComputedOnOneMemberIsAHitOnTheOther() {
        startTwo();
        assertThat(a.getBean(CacheManager.class)).isInstanceOf(TesseraCacheManager.class);
        TestApp.QuoteService onA = a.getBean(TestApp.QuoteService.class);
        TestApp.QuoteService onB = b.getBean(TestApp.QuoteService.class);

        TestApp.Quote first = onA.quote("ACME");
        TestApp.Quote second = onB.quote("ACME");
        assertThat(second).isEqualTo(first).isEqualTo(new TestApp.Quote("ACME", 400));
        assertThat(onA.computed()).isEqualTo(1);
        assertThat(onB.computed()).isZero(); // b's call was served by the grid map that a filled

        for (int i = 0; i < 50; i++) {
            onB.quote("S" + i);
        }
        for (int i = 0; i < 50; i++) {
            onA.quote("S" + i);
        }
        assertThat(onB.computed()).isEqualTo(50);
        assertThat(onA.computed()).isEqualTo(1);
        assertThat(grid(a).<String, TestApp.Quote>map("quotes")).hasSize(51);
        // the cache's map keeps one backup (the default): b's copies of a's partitions equal a's, and a's of b's
        GridInvariants.assertHold(List.of(grid(a), grid(b)), SETTLE);
    }

    @Test
    void closingAContextHandsItsPartitionsOverWithNothingLost() {
        startTwo();
        GridMap<Integer, String> orders = a.getBean(GridMaps.class).map("orders"); // no backups: only a hand-over saves b's
        int n = 5_000;
        for (int i = 0; i < n; i++) {
            orders.set(i, "order-" + i);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> grid(b).introspection().migrations().isEmpty()
                && grid(a).introspection().partitionTable().version() == grid(b).introspection().partitionTable().version());
        long onB = grid(b).introspection().localMapStats().get("orders").primaryEntries();
        assertThat(onB).as("b holds a share of the entries, which only a hand-over can save").isGreaterThan(n / 4);
        TesseraHealthIndicator healthOfB = b.getBean(TesseraHealthIndicator.class);
        Health before = healthOfB.health();
        assertThat(before.getStatus()).isEqualTo(Status.UP);
        assertThat(before.getDetails()).containsEntry("members", 2).containsEntry("migratingPartitions", 0);
        GridMap<Integer, String> backed = grid(a).map("backed"); // one backup (the default): each member copies the other's
        for (int i = 0; i < 500; i++) {
            backed.set(i, "v" + i);
        }
        GridInvariants.assertHold(List.of(grid(a), grid(b)), SETTLE);

        Grid gridOfB = grid(b);
        b.close();
        b = null;

        assertThat(gridOfB.isRunning()).isFalse();
        assertThat(healthOfB.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(grid(a).members()).hasSize(1);
        MapStats left = grid(a).introspection().localMapStats().get("orders");
        assertThat(left.primaryEntries()).isEqualTo(n);
        assertThat(orders.size()).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            assertThat(orders.get(i)).isEqualTo("order-" + i);
        }
        assertThat(backed.size()).isEqualTo(500);
        GridInvariants.assertHold(List.of(grid(a)), SETTLE); // a alone: it is every partition's primary, its table stable
    }

    private static Grid grid(ConfigurableApplicationContext ctx) {
        return ctx.getBean(Grid.class);
    }
}
