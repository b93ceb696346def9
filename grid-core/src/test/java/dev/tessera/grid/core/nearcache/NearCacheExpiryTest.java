package dev.tessera.grid.core.nearcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.core.store.Bytes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * A near-cached value is served neither past the near cache's time-to-live nor past the expiry its primary gave:
 * every read checks, also the ones that do not update Caffeine's eviction policy.
 */
class NearCacheExpiryTest {
    private static final Bytes KEY = Bytes.wrap("k".getBytes(StandardCharsets.UTF_8));
    /** Reads at most this late still count as in time: the clocks are read before and after each get. */
    private static final long SLACK_MILLIS = 2;

    @Test
    void theNearCachesTimeToLive_endsServingAnEntryThatIsNotReadAgainFromItsPrimary() {
        NearCache cache = new NearCache(new NearCacheConfig(100, Duration.ofMillis(300)), 1);
        long cachedAt = System.nanoTime();
        cache.putIfUnchanged(KEY, "v", 0, cache.stamp(0));
        assertThat(cache.get(KEY)).isEqualTo("v");

        int[] wrong = readUntilGone(cache, () -> (System.nanoTime() - cachedAt) / 1_000_000 - 300);

        assertThat(wrong[0]).as("reads that missed before the time-to-live").isZero();
        assertThat(wrong[1]).as("reads served after the time-to-live").isZero();
    }

    @Test
    void theExpiryItsPrimaryGave_endsServingAnEntry_evenWithoutANearCacheTimeToLive() {
        NearCache cache = new NearCache(NearCacheConfig.of(100), 1);
        long expiresAt = System.currentTimeMillis() + 300;
        cache.putIfUnchanged(KEY, "v", 0, cache.stamp(0), expiresAt);
        assertThat(cache.get(KEY)).isEqualTo("v");

        int[] wrong = readUntilGone(cache, () -> System.currentTimeMillis() - expiresAt);

        assertThat(wrong[0]).as("reads that missed before the primary's expiry").isZero();
        assertThat(wrong[1]).as("reads served after the primary's expiry").isZero();
    }

    /**
     * Reads every millisecond until the entry is gone past the bound; returns how many reads missed it before the
     * bound and how many returned it past the bound.
     */
    private static int[] readUntilGone(NearCache cache, LongSupplier millisPastBound) {
        AtomicInteger early = new AtomicInteger();
        AtomicInteger late = new AtomicInteger();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> {
            boolean pastBefore = millisPastBound.getAsLong() > SLACK_MILLIS;
            Object v = cache.get(KEY);
            boolean pastAfter = millisPastBound.getAsLong() >= 0;
            if (v != null && pastBefore) {
                late.incrementAndGet();
            } else if (v == null && !pastAfter) {
                early.incrementAndGet();
            }
            return v == null && pastAfter;
        });
        return new int[] {early.get(), late.get()};
    }
}
