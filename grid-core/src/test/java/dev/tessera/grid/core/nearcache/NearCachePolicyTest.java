package dev.tessera.grid.core.nearcache;

import dev.tessera.grid.core.time.TimeSource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.core.store.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The near cache tells Caffeine only one read in {@link NearCache#RECORDED_READS}; its eviction policy must
 * still learn which keys are hot: keys read often take the place of keys never read.
 */
class NearCachePolicyTest {
    private static final int MAX = 1_000;
    private static final int HOT = 200;

    @Test
    void keysReadOften_displaceKeysWrittenOftenButNeverRead_despiteSampledReadRecording() {
        NearCache cache = new NearCache(NearCacheConfig.of(MAX), 1, TimeSource.SYSTEM);
        for (int round = 0; round < 4; round++) { // written several times (the policy counts writes), never read
            for (int i = 0; i < MAX; i++) {
                cache.putIfUnchanged(key("cold-" + i), "c" + round, 0, cache.stamp(0));
            }
        }
        for (int i = 0; i < HOT; i++) {
            Bytes hot = key("hot-" + i);
            cache.putIfUnchanged(hot, "h", 0, cache.stamp(0));
            for (int r = 0; r < 20 * NearCache.RECORDED_READS; r++) {
                cache.get(hot);
            }
        }

        long hotCached = IntStream.range(0, HOT).filter(i -> cache.get(key("hot-" + i)) != null).count();
        assertThat(hotCached).as("hot keys admitted over never-read ones (without recorded reads: only the few in "
                + "Caffeine's admission window)").isGreaterThanOrEqualTo(HOT * 9 / 10);
        assertThat(cache.stats().entries()).isLessThanOrEqualTo(MAX + 16);
    }

    private static Bytes key(String s) {
        return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
