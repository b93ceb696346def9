package dev.tessera.grid.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's usage example, verbatim but for the assertions: it must compile and run. */
class ReadmeExampleTest {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReadmeExampleTest.class);

    public record Order(String id, String item, int quantity) {}

    @Test
    void readmeUsageExample_runsAsWritten() throws Exception {
        // --- README example start ---
        try (Grid grid = Grid.builder()
                .clusterName("orders")
                .memberName("orders-1")
                .registerType(Order.class)          // allow the application's own types
                .start()) {                          // TCP on 127.0.0.1:7800.., finds peers on 127.0.0.1[7800-7809]
            GridMap<String, Order> orders = grid.map("orders");                            // 1 sync backup
            GridMap<String, byte[]> blobs = grid.map("blobs", MapConfig.builder().backups(2).build());
            orders.put("o-1", new Order("o-1", "apples", 3));
            orders.getAsync("o-1").thenAccept(o -> log.info("got {}", o));
            orders.merge("o-1", new Order("o-1", "apples", 1),
                    (a, b) -> new Order(a.id(), a.item(), a.quantity() + b.quantity()));
            blobs.set("b-1", new byte[] {1, 2, 3});
            // --- README example end ---
            assertThat(orders.get("o-1")).isEqualTo(new Order("o-1", "apples", 4));
            assertThat(orders.getAsync("o-1").get(5, TimeUnit.SECONDS).quantity()).isEqualTo(4);
            assertThat(blobs.get("b-1")).containsExactly(1, 2, 3);
            assertThat(grid.members()).hasSize(1);
        }
    }
}
