package dev.tessera.chaos.explore;

import dev.tessera.chaos.history.Op;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.GridUnavailableException;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.TesseraGrid;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One writer thread per member: reads and writes of a few keys, each recorded as an {@link Op} (invoke and
 * completion by {@code System.nanoTime()}; OK, FAIL when refused and certainly not applied, UNKNOWN otherwise).
 * Values are {@code <process>-<seq>}, unique per key. A writer ends when its member stops.
 */
final class Writers {
    static final String MAP = "explore";
    static final MapConfig CONFIG = MapConfig.builder().backups(1).splitBrainMode(dev.tessera.grid.SplitBrainMode.CONSISTENT).build();
    private static final long PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(4);

    private final int keys;
    private final long seed;
    private final List<Op> ops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopped;

    Writers(int keys, long seed) {
        this.keys = keys;
        this.seed = seed;
    }

    /** Starts a writer on {@code member}, named {@code process}. */
    synchronized void start(TesseraGrid member, String process) {
        GridMap<String, String> map = member.map(MAP, CONFIG);
        Random r = new Random(seed ^ process.hashCode());
        Thread t = new Thread(() -> {
            long seq = 0;
            while (!stopped && member.isRunning()) {
                String key = "k" + r.nextInt(keys);
                boolean write = r.nextInt(100) < 60;
                String value = process + "-" + (++seq);
                long invoke = System.nanoTime();
                Op op;
                try {
                    if (write) {
                        map.set(key, value);
                        op = Op.write(process, key, value, invoke, System.nanoTime());
                    } else {
                        op = Op.read(process, key, map.get(key), invoke, System.nanoTime());
                    }
                } catch (GridUnavailableException e) {
                    op = !write ? null : e.mayHaveBeenApplied() ? Op.unknownWrite(process, key, value, invoke)
                            : Op.failedWrite(process, key, value, invoke, System.nanoTime());
                } catch (RuntimeException e) {
                    op = write ? Op.unknownWrite(process, key, value, invoke) : null; // a read that failed says nothing
                }
                if (op != null) {
                    record(op);
                }
                LockSupport.parkNanos(PACE_NANOS); // a steady rate keeps the histories checkable
            }
        }, "explorer-" + process);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private synchronized void record(Op op) {
        ops.add(op);
    }

    /** Stops every writer and waits for it: the history is complete afterwards. */
    List<Op> stop() throws InterruptedException {
        stopped = true;
        List<Thread> ts;
        synchronized (this) {
            ts = List.copyOf(threads);
        }
        for (Thread t : ts) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        synchronized (this) {
            return List.copyOf(ops);
        }
    }

    int keys() {
        return keys;
    }

    /** Waits until the writers recorded {@code more} operations beyond those recorded now (bounded by {@code max}). */
    void awaitProgress(int more, java.time.Duration max) {
        int target;
        synchronized (this) {
            target = ops.size() + more;
        }
        org.awaitility.Awaitility.await("writers progress by " + more + " operations").atMost(max)
                .pollInterval(java.time.Duration.ofMillis(20)).until(() -> {
                    synchronized (this) {
                        return ops.size() >= target;
                    }
                });
    }
}
