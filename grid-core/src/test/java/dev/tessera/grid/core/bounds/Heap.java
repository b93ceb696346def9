package dev.tessera.grid.core.bounds;

import java.lang.management.ManagementFactory;

/** Heap in use after full collections: what the live objects take, for before/after comparisons. */
final class Heap {
    private Heap() {}

    static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(50); // lets the collector's reference processing finish; the figure is a minimum over rounds
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
