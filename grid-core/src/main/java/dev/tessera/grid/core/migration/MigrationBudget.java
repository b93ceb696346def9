package dev.tessera.grid.core.migration;

import dev.tessera.grid.core.time.TimeSource;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds what a migration source has sent and not yet had acknowledged to {@code budgetBytes}, and paces its
 * sends to {@code rateBytesPerSecond} (0: unpaced). A chunk is sent only when it fits in what is left of the
 * budget; a chunk larger than the whole budget (one huge entry) is sent alone, when nothing else is in flight, so a
 * copy always progresses. So the bytes in flight never exceed {@code max(budget, largest chunk)}, whatever the
 * number of partitions being copied, and a join cannot run the source out of memory with encoded chunks.
 *
 * <p>Pacing: a chunk of {@code n} bytes pushes the earliest time of the next send {@code n / rate} seconds on, so
 * over any stretch the member sends at most {@code rate} bytes per second plus one chunk.
 *
 * <p>{@link #acquire} and {@link #release} are confined to {@code executor} (the transfer thread); the counters are
 * readable from any thread.
 */
final class MigrationBudget {
    private final long budgetBytes;
    private final long rateBytesPerSecond;
    private final TimeSource time;
    private final ScheduledExecutorService executor;
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong peakInFlight = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong budgetWaits = new AtomicLong();
    private long nextSendNanos;
    private boolean drainScheduled;

    MigrationBudget(long budgetBytes, long rateBytesPerSecond, TimeSource time, ScheduledExecutorService executor) {
        this.budgetBytes = budgetBytes;
        this.rateBytesPerSecond = rateBytesPerSecond;
        this.time = time;
        this.executor = executor;
    }

    /** Completes (on the executor) once {@code bytes} may be sent; they count as in flight until {@link #release}. */
    CompletableFuture<Void> acquire(int bytes) {
        CompletableFuture<Void> granted = new CompletableFuture<>();
        waiting.add(new Waiter(bytes, granted));
        drain();
        return granted;
    }

    /** The chunk of {@code bytes} was answered ({@code acknowledged}) or failed. */
    void release(int bytes, boolean wasAcknowledged) {
        inFlight.addAndGet(-bytes);
        if (wasAcknowledged) {
            acknowledged.addAndGet(bytes);
        }
        drain();
    }

    private void drain() {
        while (!waiting.isEmpty()) {
            Waiter w = waiting.peek();
            long current = inFlight.get();
            if (current > 0 && current + w.bytes > budgetBytes) {
                if (!w.counted) {
                    w.counted = true;
                    budgetWaits.incrementAndGet();
                }
                return; // a release drains again
            }
            if (rateBytesPerSecond > 0) {
                long now = time.nanoTime();
                if (nextSendNanos - now > 0) {
                    scheduleDrain(nextSendNanos - now);
                    return;
                }
                nextSendNanos = Math.max(nextSendNanos, now) + w.bytes * 1_000_000_000L / rateBytesPerSecond;
            }
            waiting.poll();
            long after = inFlight.addAndGet(w.bytes);
            peakInFlight.accumulateAndGet(after, Math::max);
            w.granted.complete(null);
        }
    }

    private void scheduleDrain(long delayNanos) {
        if (drainScheduled) {
            return;
        }
        drainScheduled = true;
        try {
            executor.schedule(() -> {
                drainScheduled = false;
                drain();
            }, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            drainScheduled = false; // the member stops: its transfers end with it
        }
    }

    long budgetBytes() {
        return budgetBytes;
    }

    long rateBytesPerSecond() {
        return rateBytesPerSecond;
    }

    /** Encoded chunk bytes sent and not yet answered. */
    long inFlightBytes() {
        return inFlight.get();
    }

    /** The most {@link #inFlightBytes()} ever was. */
    long peakInFlightBytes() {
        return peakInFlight.get();
    }

    /** Encoded chunk bytes the targets acknowledged, since this member started. */
    long acknowledgedBytes() {
        return acknowledged.get();
    }

    /** Chunks that had to wait because the budget was used up (each counted once). */
    long budgetWaits() {
        return budgetWaits.get();
    }

    private static final class Waiter {
        final int bytes;
        final CompletableFuture<Void> granted;
        boolean counted;

        Waiter(int bytes, CompletableFuture<Void> granted) {
            this.bytes = bytes;
            this.granted = granted;
        }
    }
}
