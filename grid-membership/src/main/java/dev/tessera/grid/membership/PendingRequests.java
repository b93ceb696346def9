package dev.tessera.grid.membership;

import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Requests awaiting their reply, by id: registration, completion on the right thread, deadlines, and failing the
 * ones a view change, a suspicion or a close leaves without an answer. Thread-safe.
 */
final class PendingRequests {
    private final AtomicLong nextId = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Executor completions;

    /** @param completions where futures of requests that are not inline complete (never a JGroups thread) */
    PendingRequests(Executor completions) {
        this.completions = completions;
    }

    /** A new request to {@code target}, registered until it completes. */
    Pending register(MemberId target, long timeoutMillis, boolean inline) {
        Pending p = new Pending(nextId.incrementAndGet(), target, timeoutMillis, inline);
        pending.put(p.id, p);
        p.future.whenComplete((r, e) -> pending.remove(p.id, p));
        return p;
    }

    Pending get(long id) {
        return pending.get(id);
    }

    int size() {
        return pending.size();
    }

    void complete(Pending p, byte[] value) {
        pending.remove(p.id, p);
        if (p.inline) {
            p.future.complete(value);
            return;
        }
        try {
            completions.execute(() -> p.future.complete(value));
        } catch (RejectedExecutionException e) {
            p.future.complete(value);
        }
    }

    void fail(Pending p, Throwable t) {
        pending.remove(p.id, p);
        try {
            completions.execute(() -> p.future.completeExceptionally(t));
        } catch (RejectedExecutionException e) {
            p.future.completeExceptionally(t);
        }
    }

    /** Fails on the calling thread: for failures detected while the request is being sent. */
    void failNow(Pending p, Throwable t) {
        pending.remove(p.id, p);
        p.future.completeExceptionally(t);
    }

    /** Fails every pending request {@code which} selects, with the exception {@code why} makes for it. */
    void failWhere(Predicate<Pending> which, Function<Pending, Throwable> why) {
        for (Pending p : new ArrayList<>(pending.values())) {
            if (which.test(p)) {
                fail(p, why.apply(p));
            }
        }
    }

    /** Fails every request whose deadline passed: called every sweep interval, not once per request. */
    void expire(Function<Pending, Throwable> timeout) {
        long now = System.nanoTime();
        for (Pending p : pending.values()) {
            if (now - p.deadlineNanos >= 0 && pending.remove(p.id, p)) {
                fail(p, timeout.apply(p));
            }
        }
    }

    /** One request awaiting its reply. */
    static final class Pending {
        final long id;
        final MemberId target;
        final long timeoutMillis;
        /** Complete on the delivering thread instead of a worker. */
        final boolean inline;
        final long deadlineNanos;
        final CompletableFuture<byte[]> future = new CompletableFuture<>();

        private Pending(long id, MemberId target, long timeoutMillis, boolean inline) {
            this.id = id;
            this.target = target;
            this.timeoutMillis = timeoutMillis;
            this.inline = inline;
            this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        }
    }
}
