package dev.tessera.demo.admin;

import dev.tessera.demo.admin.OpRecord.Outcome;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.GridTimeoutException;
import dev.tessera.grid.GridUnavailableException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A recorded read/write workload run inside the member (embedded usage): {@code threads} threads, each doing
 * one synchronous operation at a time on a random key {@code k0..k<keys-1>} of one map, reading with probability
 * {@code readPercent}%, otherwise writing a value unique to this operation ({@code <member>-<thread>-<seq>}).
 * Every operation is recorded as an {@link OpRecord}.
 *
 * <p>If a journal file is given, each operation is also appended to it twice, unbuffered: an {@code I} line just
 * before the call and a {@code C} line when it completed. The lines reach the kernel before the call starts and
 * right after it ends, so the journal survives {@code kill -9} of this process: operations with an {@code I} line
 * but no {@code C} line were in flight (outcome unknown).
 */
final class Workload {
    private static final Logger log = LoggerFactory.getLogger(Workload.class);

    /**
     * Parameters of a run. {@code opsPerSecond} is per thread; 0 means as fast as possible. The run ends by itself
     * after about {@code maxOps} operations (the history is held in memory).
     */
    record Params(String map, int threads, int keys, int readPercent, long seed, double opsPerSecond, Path journal,
                  long maxOps) {}

    private final String member;
    private final GridMap<String, String> map;
    private final Params params;
    private final BooleanSupplier memberRunning;
    private final AtomicLong seqs;
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<OpRecord> completed = new ConcurrentLinkedQueue<>();
    private final Map<Long, OpRecord> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong attempted = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private final OutputStream journal;
    private volatile boolean running = true;

    Workload(String member, GridMap<String, String> map, Params params, AtomicLong seqs, BooleanSupplier memberRunning)
            throws IOException {
        this.member = member;
        this.map = map;
        this.params = params;
        this.seqs = seqs;
        this.memberRunning = memberRunning;
        this.journal = params.journal() == null ? null : new FileOutputStream(params.journal().toFile(), true);
    }

    void start() {
        for (int i = 0; i < params.threads(); i++) {
            String name = "t" + i;
            Random random = new Random(params.seed() * 1_000_003L + member.hashCode() * 31L + i);
            Thread t = new Thread(() -> loop(name, random), "workload-" + member + "-" + name);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        log.info("workload started on map '{}': {}", params.map(), params);
    }

    /** Stops the threads and waits up to {@code maxWaitMillis} for the operations in flight to end. */
    String stop(long maxWaitMillis) throws InterruptedException {
        running = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
        for (Thread t : threads) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left > 0) {
                t.join(left);
            }
        }
        closeJournal();
        String s = stats();
        log.info("workload stopped: {}", s);
        return s;
    }

    boolean isRunning() {
        return running;
    }

    String stats() {
        return "attempted=" + attempted.get() + " ok=" + ok.get() + " failed=" + failed.get() + " unknown="
                + unknown.get() + " inFlight=" + inFlight.size() + " running=" + running;
    }

    /** Every operation so far, completed ones first by invoke time, then those still in flight. */
    List<OpRecord> history() {
        List<OpRecord> out = new ArrayList<>(completed);
        out.addAll(inFlight.values());
        out.sort(Comparator.comparingLong(OpRecord::invokeNanos));
        return out;
    }

    private void loop(String thread, Random random) {
        long interval = params.opsPerSecond() > 0 ? (long) (1e9 / params.opsPerSecond()) : 0;
        long next = System.nanoTime();
        while (running) {
            if (interval > 0) {
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else if (wait < -TimeUnit.SECONDS.toNanos(1)) {
                    next = System.nanoTime(); // fell behind (a slow operation): do not burst to catch up
                }
                if (!running) {
                    break;
                }
            }
            if (attempted.get() >= params.maxOps()) {
                running = false;
                log.info("workload on '{}' reached its limit of {} operations and ended", params.map(), params.maxOps());
                break;
            }
            String key = "k" + random.nextInt(params.keys());
            boolean write = random.nextInt(100) >= params.readPercent();
            if (!execute(thread, key, write)) {
                break;
            }
        }
    }

    /** @return false if the member stopped and the thread should end */
    private boolean execute(String thread, String key, boolean write) {
        long seq = seqs.incrementAndGet();
        String value = write ? member + "-" + thread + "-" + seq : null;
        long invoke = System.nanoTime();
        OpRecord pending = new OpRecord(member, thread, seq, write, key, value, invoke, -1, Outcome.UNKNOWN, null);
        inFlight.put(seq, pending);
        journal("I", pending);
        attempted.incrementAndGet();
        Outcome outcome;
        String result = value;
        String error = null;
        try {
            if (write) {
                map.set(key, value);
            } else {
                String read = map.get(key);
                result = read == null ? OpRecord.NULL_VALUE : read;
            }
            outcome = Outcome.OK;
        } catch (GridUnavailableException e) {
            // refused; but a write refused after it was applied (or after an attempt that may still land) may survive
            outcome = e.mayHaveBeenApplied() ? Outcome.UNKNOWN : Outcome.FAIL;
            error = e.getClass().getSimpleName() + (e.mayHaveBeenApplied() ? "(mayHaveBeenApplied)" : "");
        } catch (GridTimeoutException e) {
            outcome = Outcome.UNKNOWN;
            error = e.getClass().getSimpleName();
        } catch (RuntimeException e) {
            outcome = Outcome.UNKNOWN;
            error = e.getClass().getSimpleName();
        }
        long complete = System.nanoTime();
        if (!write && outcome != Outcome.OK) {
            result = null;
        }
        OpRecord done = new OpRecord(member, thread, seq, write, key, result, invoke, complete, outcome, error);
        completed.add(done);
        inFlight.remove(seq);
        journal("C", done);
        switch (outcome) {
            case OK -> ok.incrementAndGet();
            case FAIL -> failed.incrementAndGet();
            default -> unknown.incrementAndGet();
        }
        return outcome == Outcome.OK || memberRunning.getAsBoolean();
    }

    private void journal(String kind, OpRecord r) {
        if (journal == null) {
            return;
        }
        byte[] line = (kind + '\t' + r.toLine() + '\n').getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            try {
                journal.write(line); // FileOutputStream: one write(2), no user-space buffer to lose on kill -9
            } catch (IOException e) {
                log.warn("journal write failed: {}", e.toString());
            }
        }
    }

    private synchronized void closeJournal() {
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException e) {
                log.warn("journal close failed: {}", e.toString());
            }
        }
    }
}
