package dev.tessera.grid.core.migration;

import dev.tessera.grid.core.partition.PartitionTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Holds copies (migration chunks, backup copies) made with a table this member has not applied yet, and hands them
 * back for handling once it has, instead of answering RETRY at once. A source learns of a migration when the
 * coordinator publishes its table, at the same moment as the target; without holding, the source's probe of the
 * target's table was answered RETRY and repeated with back-off until the target had applied it (every source
 * waiting on the newcomer's first table). Held, the probe is answered the moment the table arrives.
 *
 * <p>Nothing about the copy's validity changes: a held copy is checked and applied exactly as a copy arriving then
 * would be (sender still the primary, this member still a target, by the table applied by then), and the sender
 * gets its answer only after that, so an acknowledgement still means "applied". Held copies are bounded by
 * {@code budgetBytes} (the member's migration budget, counted in encoded bytes; one copy larger than the budget is
 * held alone); a copy beyond it, one more than {@link #MAX_AHEAD} versions ahead of a member that has a table, or
 * one whose table does not arrive within {@link #HOLD_NANOS}, is answered RETRY as before, and its sender retries.
 */
public final class EarlyCopies {
    static final long HOLD_NANOS = TimeUnit.SECONDS.toNanos(2);
    /**
     * How far ahead of ours a copy's table may be to be held, once this member has a table: a table on its way
     * is a few versions ahead (a join publishes ~20 in all; a takeover skips 16). A copy claiming a table far
     * beyond that is answered RETRY at once, so garbled or hostile copies cannot keep senders waiting.
     */
    static final long MAX_AHEAD = 64;

    private final long budgetBytes;
    private final LongSupplier appliedVersion;
    private final Executor handler;
    private final ScheduledExecutorService timer;
    private final List<Held> held = new ArrayList<>(); // guarded by this
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicLong peakBuffered = new AtomicLong();
    private final AtomicLong heldCount = new AtomicLong();
    private long bytes; // guarded by this; buffered mirrors it for readers

    /**
     * @param appliedVersion the version of the table this member applied
     * @param handler        where released copies are handled (not the table listener's thread: it holds the table lock)
     * @param timer          for the hold's time limit
     */
    public EarlyCopies(long budgetBytes, LongSupplier appliedVersion, Executor handler, ScheduledExecutorService timer) {
        this.budgetBytes = budgetBytes;
        this.appliedVersion = appliedVersion;
        this.handler = handler;
        this.timer = timer;
    }

    /**
     * Holds a copy made with table {@code tableVersion} until this member applied it.
     *
     * @param handle handles the copy once the table is here (completes with the answer to send)
     * @param retry  the answer if it is not held or the table is late
     * @return the answer, later; or {@code null} if the budget is used up or the table is implausibly far ahead
     *         (answer RETRY now)
     */
    public CompletableFuture<byte[]> hold(long tableVersion, int size, Supplier<CompletableFuture<byte[]>> handle,
                                          Supplier<byte[]> retry) {
        long current = appliedVersion.getAsLong();
        if (current > 0 && tableVersion - current > MAX_AHEAD) {
            return null; // a newcomer (no table yet, version 0) holds whatever comes: its first table can be any version
        }
        Held h = new Held(tableVersion, size, handle, retry);
        synchronized (this) {
            if (bytes > 0 && bytes + size > budgetBytes) {
                return null;
            }
            bytes += size;
            held.add(h);
            buffered.set(bytes);
            peakBuffered.accumulateAndGet(bytes, Math::max);
        }
        heldCount.incrementAndGet();
        try {
            timer.schedule(() -> expire(h), HOLD_NANOS, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            expire(h);
        }
        releaseUpTo(appliedVersion.getAsLong()); // the table may have arrived between the caller's check and now
        return h.answer;
    }

    /** Table listener: must not block. */
    public void onTable(PartitionTable previous, PartitionTable next) {
        releaseUpTo(next.version());
    }

    private void releaseUpTo(long version) {
        List<Held> ready = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
                Held h = it.next();
                if (h.tableVersion <= version) {
                    it.remove();
                    bytes -= h.size;
                    ready.add(h);
                }
            }
            buffered.set(bytes);
        }
        for (Held h : ready) {
            try {
                handler.execute(() -> h.handle.get().whenComplete((r, e) -> {
                    if (e != null) {
                        h.answer.completeExceptionally(e);
                    } else {
                        h.answer.complete(r);
                    }
                }));
            } catch (RejectedExecutionException stopped) {
                h.answer.complete(h.retry.get());
            }
        }
    }

    private void expire(Held h) {
        synchronized (this) {
            if (!held.remove(h)) {
                return;
            }
            bytes -= h.size;
            buffered.set(bytes);
        }
        h.answer.complete(h.retry.get());
    }

    /** Encoded bytes of the copies held now. */
    public long bufferedBytes() {
        return buffered.get();
    }

    /** The most {@link #bufferedBytes()} ever was. */
    public long peakBufferedBytes() {
        return peakBuffered.get();
    }

    /** Copies held since this member started (each was applied or answered RETRY later). */
    public long heldCopies() {
        return heldCount.get();
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    private static final class Held {
        final long tableVersion;
        final int size;
        final Supplier<CompletableFuture<byte[]>> handle;
        final Supplier<byte[]> retry;
        final CompletableFuture<byte[]> answer = new CompletableFuture<>();

        Held(long tableVersion, int size, Supplier<CompletableFuture<byte[]>> handle, Supplier<byte[]> retry) {
            this.tableVersion = tableVersion;
            this.size = size;
            this.handle = handle;
            this.retry = retry;
        }
    }
}
