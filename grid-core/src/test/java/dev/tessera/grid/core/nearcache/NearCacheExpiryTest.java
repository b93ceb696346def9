package dev.tessera.grid.core.nearcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.core.store.Bytes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A near-cached value is served neither past the near cache's time-to-live nor past the expiry its primary gave. */
class NearCacheExpiryTest {
    private static final Bytes KEY = Bytes.wrap("k".getBytes(StandardCharsets.UTF_8));

    @Test
    void theNearCachesTimeToLive_endsServingAnEntryThatIsNotReadAgainFromItsPrimary() {
        NearCache cache = new NearCache(new NearCacheConfig(100, Duration.ofMillis(300)), 1);
        long cachedAt = System.nanoTime();
        cache.putIfUnchanged(KEY, "v", 0, cache.stamp(0));
        assertThat(cache.get(KEY)).isEqualTo("v");

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> cache.get(KEY) == null);

        assertThat(Duration.ofNanos(System.nanoTime() - cachedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void theExpiryItsPrimaryGave_endsServingAnEntry_evenWithoutANearCacheTimeToLive() {
        NearCache cache = new NearCache(NearCacheConfig.of(100), 1);
        long expiresAt = System.currentTimeMillis() + 300;
        cache.putIfUnchanged(KEY, "v", 0, cache.stamp(0), expiresAt);
        assertThat(cache.get(KEY)).isEqualTo("v");

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> cache.get(KEY) == null);

        assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(expiresAt);
    }
}
