package dev.tessera.grid.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.GridSerializationException;
import dev.tessera.grid.core.serialization.TestTypes.CustomerKey;
import dev.tessera.grid.core.serialization.TestTypes.Line;
import dev.tessera.grid.core.serialization.TestTypes.Money;
import dev.tessera.grid.core.serialization.TestTypes.Order;
import dev.tessera.grid.core.serialization.TestTypes.Status;
import dev.tessera.grid.core.serialization.TestTypes.Unregistered;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class KryoCodecConcurrencyTest {

    static final int THREADS = 8;
    static final int ROUND_TRIPS = 10_000;

    final KryoCodec codec = new KryoCodec(List.of(Order.class, Line.class, Money.class, Status.class,
            CustomerKey.class));

    static Object valueFor(int thread, int i) {
        return switch (i % 6) {
            case 0 -> "key-" + thread + "-" + i;
            case 1 -> (long) thread * 1_000_000 + i;
            case 2 -> new Order(i, "customer-" + thread, List.of(new Line("sku-" + i, i % 7,
                    new Money(BigDecimal.valueOf(i, 2), "EUR"))), Status.values()[i % 3],
                    new Money(BigDecimal.valueOf(thread), "USD"));
            case 3 -> new CustomerKey("tenant-" + thread, i);
            case 4 -> new ArrayList<>(List.of("a" + i, i, UUID.nameUUIDFromBytes(new byte[] {(byte) thread})));
            default -> new HashMap<>(Map.of("t", thread, "i", i));
        };
    }

    @Test
    @Timeout(120)
    void eightThreadsRoundTripOnOneCodec() throws Exception {
        KryoCodec reference = new KryoCodec(List.of(Order.class, Line.class, Money.class, Status.class,
                CustomerKey.class));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong ok = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    Object value = valueFor(thread, i);
                    byte[] bytes = codec.serialize(value);
                    Object back = codec.deserialize(bytes);
                    if (!back.equals(value)) {
                        failures.add(thread + "/" + i + ": " + value + " != " + back);
                    }
                    // deterministic under contention: same bytes as an uncontended codec
                    if (i % 100 == 0 && !(value instanceof HashMap)
                            && !Arrays.equals(bytes, reference.serializeKey(value))) {
                        failures.add(thread + "/" + i + ": bytes differ for " + value);
                    }
                    if (i % 1000 == 0) {
                        try {
                            codec.serialize(new Unregistered("x"));
                            failures.add("unregistered type accepted");
                        } catch (GridSerializationException expected) {
                            // interleaved failures must not disturb the other threads
                        }
                    }
                    ok.incrementAndGet();
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(100, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isEqualTo((long) THREADS * ROUND_TRIPS);
    }
}
