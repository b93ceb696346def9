package dev.tessera.grid.core.mapstore;

import dev.tessera.grid.core.store.Bytes;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that call MapStores, never messaging threads: key stripes (one serial thread each, so
 * loads and write-through stores of one key run one at a time, in arrival order) and one write-behind
 * flusher, which also confines the write-behind hand-overs at table changes.
 */
final class StoreThreads {
    static final int STRIPES = 4;

    private final ExecutorService[] stripes = new ExecutorService[STRIPES];
    private final ScheduledExecutorService flusher;

    StoreThreads(String memberName) {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = Executors.newSingleThreadExecutor(threads("tessera-" + memberName + "-store-" + i));
        }
        flusher = Executors.newSingleThreadScheduledExecutor(threads("tessera-" + memberName + "-store-flush"));
    }

    Executor stripe(Bytes key) {
        return stripes[Math.floorMod(key.hashCode(), STRIPES)];
    }

    ScheduledExecutorService flusher() {
        return flusher;
    }

    void shutdown() {
        for (ExecutorService s : stripes) {
            s.shutdownNow();
        }
        flusher.shutdownNow();
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
