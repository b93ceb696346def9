package dev.tessera.grid.core.mapstore;

import dev.tessera.grid.core.store.Bytes;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that call MapStores, never messaging threads. Each registered store has its own key
 * stripes (one serial thread each, so loads and write-through stores of one key run one at a time, in
 * arrival order) with bounded queues: a store that hangs stalls only its own maps, and its backlog
 * cannot grow without bound. One write-behind flusher also confines the write-behind hand-overs at
 * table changes.
 */
final class StoreThreads {
    /** Serial threads per store. */
    static final int STRIPES = 4;
    /** Operations waiting per stripe; beyond it an operation on the store's maps fails at once (the store is not keeping up). */
    static final int QUEUE_CAPACITY = 10_000;

    private final String memberName;
    private final Map<String, ThreadPoolExecutor[]> byStore = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;
    private volatile boolean stopped;

    StoreThreads(String memberName) {
        this.memberName = memberName;
        flusher = Executors.newSingleThreadScheduledExecutor(threads("tessera-" + memberName + "-store-flush"));
    }

    /**
     * The stripe of {@code key} among {@code storeName}'s threads (created on first use; store names are the
     * registered ones only).
     */
    Executor stripe(String storeName, Bytes key) {
        ThreadPoolExecutor[] stripes = byStore.computeIfAbsent(storeName, this::newStripes);
        return stripes[Math.floorMod(key.hashCode(), STRIPES)];
    }

    private ThreadPoolExecutor[] newStripes(String storeName) {
        if (stopped) {
            throw new RejectedExecutionException("member stopped");
        }
        ThreadPoolExecutor[] stripes = new ThreadPoolExecutor[STRIPES];
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY),
                    threads("tessera-" + memberName + "-store-" + storeName + "-" + i));
        }
        return stripes;
    }

    /** Why {@code rejected} happened: the member stopped, or the store's queue is full. */
    static String describe(RejectedExecutionException rejected, String storeName, Executor stripe) {
        if (stripe instanceof ThreadPoolExecutor t && !t.isShutdown()) {
            return "MapStore '" + storeName + "' is not keeping up: " + QUEUE_CAPACITY
                    + " operations are waiting for it on this member; the operation was not applied";
        }
        return "member stopped";
    }

    ScheduledExecutorService flusher() {
        return flusher;
    }

    void shutdown() {
        stopped = true;
        for (ThreadPoolExecutor[] stripes : byStore.values()) {
            for (ThreadPoolExecutor s : stripes) {
                s.shutdownNow();
            }
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
