package dev.tessera.bench.jmh;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Whole-map scans on 3 members (one JVM, TCP on loopback, 1 sync backup): iterating a 3-entry map
 * (issue 17's target: at most 2 ms), {@code size()} of it, and a full {@code entrySet} iteration of the
 * workload's 100,000 entries. Single-threaded: the latency of one scan.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ScanBench {
    private static final int BIG = 100_000;

    private Grid[] grids;
    private GridMap<String, byte[]> small;
    private GridMap<String, byte[]> big;
    private GridMap<String, byte[]> cleared;

    @Setup(Level.Trial)
    public void setup() throws InterruptedException {
        grids = ThreeMembers.start("jmh-scan", "s");
        small = grids[0].map("small");
        for (int i = 0; i < 3; i++) {
            small.put("k" + i, new byte[100]);
        }
        big = grids[0].map("big");
        Random r = new Random(42);
        Map<String, byte[]> batch = new HashMap<>();
        for (int k = 0; k < BIG; k++) {
            byte[] v = new byte[100];
            r.nextBytes(v);
            batch.put("key-" + k, v);
            if (batch.size() == 1000) {
                big.putAll(batch);
                batch.clear();
            }
        }
        cleared = grids[0].map("cleared", MapConfig.builder().build());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ThreeMembers.close(grids);
    }

    /** Iterates the 3 entries of a map on 3 members. */
    @Benchmark
    public int iterateSmall() {
        int n = 0;
        for (Map.Entry<String, byte[]> e : small.entrySet()) {
            n += e.getValue().length;
        }
        return n;
    }

    @Benchmark
    public int sizeSmall() {
        return small.size();
    }

    /** clear() of an empty map: the round trips alone. */
    @Benchmark
    public void clearEmpty() {
        cleared.clear();
    }

    /** Iterates all 100,000 entries (keys and values deserialized). */
    @Benchmark
    public int iterateBig() {
        int n = 0;
        for (Map.Entry<String, byte[]> e : big.entrySet()) {
            n += e.getValue().length;
        }
        if (n != BIG * 100) {
            throw new IllegalStateException("iterated " + n / 100 + " entries, expected " + BIG);
        }
        return n;
    }
}
