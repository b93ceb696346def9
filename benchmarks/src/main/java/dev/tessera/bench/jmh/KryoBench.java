package dev.tessera.bench.jmh;

import dev.tessera.grid.core.serialization.KryoCodec;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * KryoCodec round trips (serialize then deserialize) of the common types: a workload key (String,
 * fast path), a workload value (byte[100], fast path) and a small application record (Kryo proper).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KryoBench {

    /** A typical small application value. */
    public record Order(long id, String customer, int quantity, double price) {}

    @Param({"string", "bytes100", "record"})
    public String type;

    private KryoCodec codec;
    private Object value;
    private byte[] bytes;

    @Setup
    public void setup() {
        codec = new KryoCodec(List.of(Order.class));
        byte[] b = new byte[100];
        new Random(42).nextBytes(b);
        value = switch (type) {
            case "string" -> "key-12345";
            case "bytes100" -> b;
            case "record" -> new Order(12345L, "customer-42", 3, 19.99);
            default -> throw new IllegalArgumentException(type);
        };
        bytes = codec.serialize(value);
    }

    @Benchmark
    public Object roundTrip() {
        return codec.deserialize(codec.serialize(value));
    }

    @Benchmark
    public byte[] serialize() {
        return codec.serialize(value);
    }

    @Benchmark
    public Object deserialize() {
        return codec.deserialize(bytes);
    }
}
