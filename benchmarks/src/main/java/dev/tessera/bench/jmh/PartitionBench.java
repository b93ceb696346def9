package dev.tessera.bench.jmh;

import dev.tessera.grid.core.partition.KeyPartitioner;
import dev.tessera.grid.core.serialization.KryoCodec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The first steps of every operation: serialize the String key (KryoCodec fast path), murmur3 of
 * the bytes mod 271. Keys "key-0" .. "key-99999" as in the workload, taken round-robin.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PartitionBench {
    private static final int N = 100_000;

    private KeyPartitioner partitioner;
    private KryoCodec codec;
    private String[] keys;
    private byte[][] keyBytes;
    private int i;

    @Setup
    public void setup() {
        partitioner = new KeyPartitioner(271);
        codec = new KryoCodec(List.of());
        keys = new String[N];
        keyBytes = new byte[N][];
        for (int k = 0; k < N; k++) {
            keys[k] = "key-" + k;
            keyBytes[k] = codec.serializeKey(keys[k]);
        }
    }

    private int next() {
        int k = i;
        i = k + 1 == N ? 0 : k + 1;
        return k;
    }

    /** murmur3_32 of the serialized key, mod 271. */
    @Benchmark
    public int partitionOfBytes() {
        return partitioner.partitionOf(keyBytes[next()]);
    }

    /** KryoCodec.serializeKey of a String (the fast path). */
    @Benchmark
    public byte[] serializeKey() {
        return codec.serializeKey(keys[next()]);
    }

    /** What GridMap does before routing: serialize the key, then find its partition. */
    @Benchmark
    public int serializeAndPartition() {
        return partitioner.partitionOf(codec.serializeKey(keys[next()]));
    }
}
