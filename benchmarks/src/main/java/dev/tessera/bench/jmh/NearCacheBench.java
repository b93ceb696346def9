package dev.tessera.bench.jmh;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Near-cache get. Tessera has no near cache yet (issue 5), so this measures the ceiling: a Caffeine
 * cache bounded to 100,000 entries (the W3 setting) holding deserialized values (object format),
 * hit on every call. When Tessera's near cache exists, add its GridMap.get here and compare.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NearCacheBench {
    private static final int N = 100_000;

    private Cache<String, byte[]> cache;
    private String[] keys;

    /** Per-thread key cursor. */
    @State(Scope.Thread)
    public static class Cursor {
        int i = (int) (Thread.currentThread().getId() * 7919 % N);

        int next() {
            int k = i;
            i = k + 1 == N ? 0 : k + 1;
            return k;
        }
    }

    @Setup
    public void setup() {
        cache = Caffeine.newBuilder().maximumSize(N).build();
        keys = new String[N];
        Random r = new Random(42);
        for (int k = 0; k < N; k++) {
            keys[k] = "key-" + k;
            byte[] v = new byte[100];
            r.nextBytes(v);
            cache.put(keys[k], v);
        }
        cache.cleanUp();
    }

    @Benchmark
    public byte[] caffeineGetIfPresent(Cursor c) {
        return cache.getIfPresent(keys[c.next()]);
    }
}
