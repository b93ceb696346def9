package dev.tessera.grid.core.expiry;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.EvictionConfig;
import dev.tessera.grid.EvictionPolicy;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad expiry and eviction settings fail fast with an IllegalArgumentException naming the option. */
class ExpiryConfigTest {
    @Test
    void ttlAndMaxIdle_mustBePositive() {
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofMillis(-5), Duration.ofNanos(999_999)}) {
            assertThatThrownBy(() -> MapConfig.builder().timeToLive(bad).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeToLive");
            assertThatThrownBy(() -> MapConfig.builder().maxIdle(bad).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxIdle");
        }
    }

    @Test
    void evictionSizes_mustMakeSense() {
        assertThatThrownBy(() -> EvictionConfig.maxEntries(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxEntriesPerMember");
        assertThatThrownBy(() -> EvictionConfig.maxBytes(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBytesPerMember");
        assertThatThrownBy(() -> new EvictionConfig(EvictionPolicy.LRU, 10, 10, 16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one positive bound");
        assertThatThrownBy(() -> new EvictionConfig(EvictionPolicy.LRU, 10, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sampleSize");
        assertThatThrownBy(() -> new EvictionConfig(EvictionPolicy.LRU, 10, 0, 65)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sampleSize");
        assertThatThrownBy(() -> new EvictionConfig(null, 10, 0, 16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("policy");
    }

    @Test
    void perEntryTtl_mustBePositive() {
        try (TestCluster cluster = TestCluster.start(1)) {
            GridMap<String, String> map = cluster.member(0).map("bad-ttl");
            for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1), null}) {
                assertThatThrownBy(() -> map.put("k", "v", bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
                assertThatThrownBy(() -> map.set("k", "v", bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
            }
            org.assertj.core.api.Assertions.assertThat(map.get("k")).as("no bad write was applied").isNull();
        }
    }
}
