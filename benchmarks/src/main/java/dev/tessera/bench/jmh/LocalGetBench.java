package dev.tessera.bench.jmh;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.Transport;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Local-primary get: a one-member grid (in-process transport, no backups) holding the workload's
 * 100,000 entries, so every key is local; GridMap.get serializes the key, hashes it, looks it up
 * and deserializes (copies) the value. {@link #chmGet} is the same lookup in a ConcurrentHashMap:
 * the W4 target is get p50 within 2x of it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LocalGetBench {
    private static final int N = 100_000;

    private Grid grid;
    private GridMap<String, byte[]> map;
    private final ConcurrentHashMap<String, byte[]> chm = new ConcurrentHashMap<>();
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
        grid = Grid.builder().clusterName("jmh-local-get").memberName("jmh").transport(Transport.inProcess()).start();
        map = grid.map("bench", MapConfig.builder().backups(0).build());
        keys = new String[N];
        Random r = new Random(42);
        Map<String, byte[]> batch = new HashMap<>();
        for (int k = 0; k < N; k++) {
            keys[k] = "key-" + k;
            byte[] v = new byte[100];
            r.nextBytes(v);
            chm.put(keys[k], v);
            batch.put(keys[k], v);
            if (batch.size() == 1000) {
                map.putAll(batch);
                batch.clear();
            }
        }
    }

    @TearDown
    public void tearDown() {
        grid.close();
    }

    @Benchmark
    public byte[] tesseraGet(Cursor c) {
        return map.get(keys[c.next()]);
    }

    @Benchmark
    public byte[] chmGet(Cursor c) {
        return chm.get(keys[c.next()]);
    }
}
