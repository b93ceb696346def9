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

    /** One line a driver can parse from this JVM's log: {@code heap-peak <n> used=<bytes> afterGc=<bytes>}. */
    String line(long n) {
        return "heap-peak " + n + " used=" + maxUsedBytes() + " afterGc=" + maxAfterGcBytes();
    }

    @Override
    public void close() {
        closed = true;
        sampler.interrupt();
        unregister.forEach(Runnable::run);
    }
}
