package dev.tessera.grid.testkit;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;

/** Heap in use after full collections: what the live objects take, for before/after comparisons. */
public final class Heap {
    private Heap() {}

    /** The minimum over a few rounds, each after a collection that provably ran (it cleared a sentinel). */
    public static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            WeakReference<Object> sentinel = new WeakReference<>(new Object());
            await("a full collection").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        System.gc();
                        return sentinel.get() == null;
                    });
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
