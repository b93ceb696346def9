package dev.tessera.bench.jmh;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.tessera.bench.HazelcastStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
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
 * {@link ScanBench}'s scans on Hazelcast 5.6.0: 3 members in one JVM (TCP on loopback, the workload's
 * settings), maps in BINARY format with 1 sync backup (Hazelcast's default).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HazelcastScanBench {
    private static final int BIG = 100_000;

    private HazelcastStore[] members;
    private IMap<String, byte[]> small;
    private IMap<String, byte[]> big;
    private IMap<String, byte[]> cleared;

    @Setup(Level.Trial)
    public void setup() {
        int base = 20_000 + ThreadLocalRandom.current().nextInt(20_000);
        members = new HazelcastStore[3];
        for (int i = 0; i < 3; i++) {
            members[i] = new HazelcastStore(i + 1, 3, 1, false, base);
        }
        HazelcastInstance hz = members[0].instance();
        small = hz.getMap("small");
        for (int i = 0; i < 3; i++) {
            small.put("k" + i, new byte[100]);
        }
        big = hz.getMap("big");
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
        cleared = hz.getMap("cleared");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (int i = members.length - 1; i >= 0; i--) {
            members[i].instance().shutdown();
        }
    }

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

    @Benchmark
    public void clearEmpty() {
        cleared.clear();
    }

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
