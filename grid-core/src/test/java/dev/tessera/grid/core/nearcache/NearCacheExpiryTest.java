package dev.tessera.grid.core.nearcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.testkit.ManualTime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A near-cached value is served neither past the near cache's time-to-live nor past the expiry its primary gave:
 * every read checks, also the ones that do not update Caffeine's eviction policy. Time is a frozen
 * {@link ManualTime}, so the bounds are checked to the millisecond without waiting.
 */
class NearCacheExpiryTest {
    private static final Bytes KEY = Bytes.wrap("k".getBytes(StandardCharsets.UTF_8));
    /** More reads than the one-in-N sampling of Caffeine's policy: the quiet reads are checked too. */
    private static final int READS = 64;

    private final ManualTime time = ManualTime.frozen();

    @Test
    void theNearCachesTimeToLive_endsServingAnEntryThatIsNotReadAgainFromItsPrimary() {
        NearCache cache = new NearCache(new NearCacheConfig(100, Duration.ofMillis(300)), 1, time);
        cache.putIfUnchanged(KEY, "v", 0, cache.stamp(0));

        time.advance(Duration.ofMillis(299));
        assertThat(readsServed(cache)).as("reads served 1 ms before the time-to-live").isEqualTo(READS);
        time.advance(Duration.ofMillis(1));
        assertThat(readsServed(cache)).as("reads served at the time-to-live").isZero();
    }

    @Test
    void theExpiryItsPrimaryGave_endsServingAnEntry_evenWithoutANearCacheTimeToLive() {
        NearCache cache = new NearCache(NearCacheConfig.of(100), 1, time);
        cache.putIfUnchanged(KEY, "v", 0, cache.stamp(0), time.wallMillis() + 300);

        time.advance(Duration.ofMillis(299));
        assertThat(readsServed(cache)).as("reads served 1 ms before the primary's expiry").isEqualTo(READS);
        time.advance(Duration.ofMillis(1));
        assertThat(readsServed(cache)).as("reads served at the primary's expiry").isZero();
    }

    @Test
    void anEntryThatExpiredBeforeItArrived_isNotCached() {
        NearCache cache = new NearCache(NearCacheConfig.of(100), 1, time);
        cache.putIfUnchanged(KEY, "v", 0, cache.stamp(0), time.wallMillis());
        assertThat(readsServed(cache)).isZero();
    }

    private static int readsServed(NearCache cache) {
        int served = 0;
        for (int i = 0; i < READS; i++) {
            if (cache.get(KEY) != null) {
                served++;
            }
        }
        return served;
    }
}
