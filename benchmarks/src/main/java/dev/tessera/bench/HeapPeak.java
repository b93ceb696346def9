package dev.tessera.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap a JVM needed over a window: the most it held at once (sampled every 10 ms, garbage included: what the heap
 * had to be sized for) and the most that survived a collection (the live set plus what was not collectable yet).
 */
final class HeapPeak implements AutoCloseable {
    private final AtomicLong maxUsed = new AtomicLong();
    private final AtomicLong maxAfterGc = new AtomicLong();
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    private final List<Runnable> unregister = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean closed;

    private HeapPeak() {
        NotificationListener afterGc = (n, handback) -> {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                Map<String, MemoryUsage> after = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData())
                        .getGcInfo().getMemoryUsageAfterGc();
                long used = after.entrySet().stream().filter(e -> heapPools.contains(e.getKey()))
                        .mapToLong(e -> e.getValue().getUsed()).sum();
                maxAfterGc.accumulateAndGet(used, Math::max);
            }
        };
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(afterGc, null, null);
                unregister.add(() -> {
                    try {
                        emitter.removeNotificationListener(afterGc);
                    } catch (javax.management.ListenerNotFoundException ignored) {
                        // already gone
                    }
                });
            }
        }
        sampler = new Thread(() -> {
            while (!closed) {
                maxUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-peak");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts watching this JVM's heap from now. */
    static HeapPeak start() {
        return new HeapPeak();
    }

    long maxUsedBytes() {
        return maxUsed.get();
    }

    long maxAfterGcBytes() {
        return maxAfterGc.get();
    }

    /**
     * Prints {@code heap-peak <n> used=<bytes> afterGc=<bytes>} to standard output every 200 ms, for a driver to read
     * from this JVM's log with {@link #lastIn}.
     */
    void reportToStdout() {
        Thread reporter = new Thread(() -> {
            for (long n = 1; ; n++) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                System.out.println("heap-peak " + n + " used=" + maxUsedBytes() + " afterGc=" + maxAfterGcBytes());
                System.out.flush();
            }
        }, "heap-peak-reporter");
        reporter.setDaemon(true);
        reporter.start();
    }

    /** {n, used, afterGc} of the last line {@link #reportToStdout} wrote to {@code log}, or zeros. */
    static long[] lastIn(java.nio.file.Path log) throws java.io.IOException {
        long[] last = {0, 0, 0};
        for (String line : java.nio.file.Files.readAllLines(log)) {
            String[] f = line.split(" ");
            if (f.length == 4 && f[0].equals("heap-peak") && f[2].startsWith("used=") && f[3].startsWith("afterGc=")) {
                try {
                    last = new long[] {Long.parseLong(f[1]), Long.parseLong(f[2].substring(5)), Long.parseLong(f[3].substring(8))};
                } catch (NumberFormatException partlyWritten) {
                    // the line being written as we read: the next one will do
                }
            }
        }
        return last;
    }

    @Override
    public void close() {
        closed = true;
        sampler.interrupt();
        unregister.forEach(Runnable::run);
    }
}
