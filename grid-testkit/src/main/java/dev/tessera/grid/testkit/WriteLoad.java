package dev.tessera.grid.testkit;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writers that keep writing while a test injects faults, and a check that no acknowledged write was
 * lost. Each writer thread owns its keys and writes increasing sequence numbers to them, so for
 * every key the final value must be at least the last acknowledged sequence (a later, unacknowledged
 * write may also have been applied) and at most the last attempted one.
 */
public final class WriteLoad implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WriteLoad.class);
    private final String mapName;
    private final int keysPerWriter;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, Long> acked = new ConcurrentHashMap<>();
    private final Map<String, Long> attempted = new ConcurrentHashMap<>();
    private final AtomicLong ackCount = new AtomicLong();
    private final AtomicLong failCount = new AtomicLong();
    private final List<String> lostKeys = new java.util.concurrent.CopyOnWriteArrayList<>();

    public WriteLoad(String mapName, int keysPerWriter) {
        this.mapName = mapName;
        this.keysPerWriter = keysPerWriter;
    }

    /** Starts {@code threads} writers on {@code grid}; they stop when the grid closes or {@link #stop()}. */
    public WriteLoad startWriters(Grid grid, int threadCount) {
        GridMap<String, Long> map = grid.map(mapName);
        for (int t = 0; t < threadCount; t++) {
            String prefix = grid.localMember().name() + "-" + threads.size() + "-";
            Thread thread = new Thread(() -> write(map, grid, prefix), "writer-" + prefix);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        return this;
    }

    private void write(GridMap<String, Long> map, Grid grid, String prefix) {
        long seq = 0;
        while (running.get() && grid.isRunning()) {
            String key = prefix + (seq % keysPerWriter);
            long value = ++seq;
            attempted.put(key, value);
            try {
                map.set(key, value);
                acked.put(key, value);
                ackCount.incrementAndGet();
            } catch (IllegalStateException closed) {
                return; // this writer's member left or crashed
            } catch (RuntimeException e) {
                if (failCount.incrementAndGet() <= 3) {
                    log.info("write of {} failed: {}", key, e.toString());
                }
            }
        }
    }

    /** Some keys whose acknowledged value was lost in the last {@link #verify}, for diagnostics. */
    public List<String> lostKeys() {
        return lostKeys;
    }

    /** Acknowledged writes so far. */
    public long acknowledged() {
        return ackCount.get();
    }

    public void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
    }

    /** Reads every written key through {@code reader} and compares it with what was acknowledged. */
    public Report verify(Grid reader) {
        GridMap<String, Long> map = reader.map(mapName);
        long lost = 0;
        long invented = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<String, Long> e : attempted.entrySet()) {
            Long ack = acked.get(e.getKey());
            Long value = map.get(e.getKey());
            if (ack != null && (value == null || value < ack)) {
                lost++;
                if (examples.size() < 5) {
                    examples.add(e.getKey() + ": acked " + ack + ", read " + value);
                    lostKeys.add(e.getKey());
                }
            } else if (value != null && value > e.getValue()) {
                invented++;
            }
        }
        return new Report(attempted.size(), ackCount.get(), failCount.get(), lost, invented, examples);
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Figures of one run: keys written, writes acknowledged and failed, keys whose acknowledged value was lost. */
    public record Report(long keys, long acknowledged, long failed, long lost, long invented, List<String> examples) {}
}
