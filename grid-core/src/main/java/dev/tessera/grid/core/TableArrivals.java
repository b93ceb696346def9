package dev.tessera.grid.core;

import dev.tessera.grid.core.partition.PartitionTable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Lets a joining or leaving member wait for the partition tables it applies (a topology listener). */
final class TableArrivals {
    private final CountDownLatch first = new CountDownLatch(1);
    private final Object monitor = new Object();

    /** Topology listener: under the topology's write lock, so it only signals. */
    void onTable(PartitionTable previous, PartitionTable next) {
        first.countDown();
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /** Whether a first table was applied within {@code millis}. */
    boolean awaitFirst(long millis) throws InterruptedException {
        return first.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Waits up to {@code millis} for the next applied table (or returns earlier). */
    void awaitNext(long millis) throws InterruptedException {
        synchronized (monitor) {
            monitor.wait(millis);
        }
    }
}
