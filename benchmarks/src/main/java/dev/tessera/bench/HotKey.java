package dev.tessera.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The hot-key benchmark (issue 14): every member of a 3-member cluster runs 8 threads that increment the one
 * key {@code "hot"} (a {@code Long}, 1 sync backup) as fast as they can, closed loop, with one of the store's
 * atomic read-modify-write operations ({@link HotKeyStore#hotVariants()}): Tessera's {@code executeOnKey} (the
 * processor runs at the primary, nothing is retried) and {@code compute} (the function runs on the caller,
 * compare-and-set at the primary, retried on conflict), Hazelcast's {@code executeOnKey}.
 *
 * <p>Members 2 and 3 start their threads at the same wall-clock instant as member 1 (a "go" file written by
 * member 1 carries it; all JVMs run on one machine). Figures: operations per second of all 24 threads over the
 * measured window, attempts per operation minus one (retries; counted on the caller: the compute function's
 * calls), member 1's latency percentiles, and the check that nothing was lost: the final value must equal the
 * increments every thread saw succeed.
 */
final class HotKey {
    static final String KEY = "hot";
    static final int THREADS = 8;

    /** Implemented by the stores that take part. */
    interface HotKeyStore {
        /** The variants this store offers, e.g. "executeOnKey", "compute". */
        List<String> hotVariants();

        /** Sets {@code key} to 0. */
        void hotReset(String key);

        long hotValue(String key);

        /** A new incrementer for one thread. */
        Incrementer incrementer(String variant, String key);
    }

    /** Increments the key once, atomically. */
    interface Incrementer {
        /** @return the attempts it took (1 = first try) */
        int increment();
    }

    private HotKey() {
    }

    /** Member 1: sets up, releases the others, runs its own threads, collects every member's counts. */
    static Map<String, Double> driver(Args a) throws Exception {
        String kind = a.require("store");
        String variant = a.require("hotkey");
        int members = a.getInt("members", 3);
        Path base = Path.of(a.require("out"));
        Store s = Bench.open(kind, 1, members, 1, false);
        System.out.println(Bench.READY);
        System.out.flush();
        Bench.awaitMembers((ClusterProbe) s, members, Duration.ofSeconds(180));
        s.awaitRedundancy(Duration.ofSeconds(120));
        HotKeyStore h = (HotKeyStore) s;
        h.hotReset(KEY);
        long warmup = a.getLong("warmup", 5000);
        long measure = a.getLong("measure", 20000);
        long start = System.currentTimeMillis() + 1000;
        Path goTmp = Path.of(base + ".go.tmp");
        Files.writeString(goTmp, start + " " + warmup + " " + measure);
        Files.move(goTmp, Path.of(base + ".go")); // whole or not at all for the members polling it
        Bench.log("hot key " + variant + ": " + members + " members x " + THREADS + " threads, " + warmup + "+" + measure + " ms");
        Map<String, Double> mine = run(h, variant, start, warmup, measure);
        Map<String, Double> r = new LinkedHashMap<>();
        double ops = mine.get("measuredOps");
        double attempts = mine.get("measuredAttempts");
        double total = mine.get("totalOps");
        double errors = mine.get("errors");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (int i = 2; i <= members; i++) {
            Path f = Path.of(base + ".m" + i);
            while (!Files.exists(f)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("no counts from m" + i + " within 120 s after the window");
                }
                Util.sleep(50);
            }
            Util.sleep(100); // written whole by then (small file, one write)
            Map<String, Double> other = Bench.read(f);
            ops += other.get("measuredOps");
            attempts += other.get("measuredAttempts");
            total += other.get("totalOps");
            errors += other.get("errors");
        }
        long value = h.hotValue(KEY);
        r.put("ops", ops / (measure / 1000.0));
        r.put("retriesPerOp", ops == 0 ? 0 : (attempts - ops) / ops);
        r.put("op.p50", mine.get("p50"));
        r.put("op.p99", mine.get("p99"));
        r.put("op.p999", mine.get("p999"));
        r.put("increments", total);
        r.put("finalValue", (double) value);
        r.put("lost", total - value);
        r.put("errors", errors);
        Bench.log(String.format(java.util.Locale.ROOT, "hot key %s: %.0f ops/s, %.3f retries/op, %d increments, final value %d",
                variant, r.get("ops"), r.get("retriesPerOp"), (long) total, value));
        return r;
    }

    /** Members 2 and 3: wait for the go file, run, write the counts next to it. */
    static void member(HotKeyStore h, String variant, Path base, int index) throws Exception {
        Path go = Path.of(base + ".go");
        while (!Files.exists(go)) {
            Util.sleep(20);
        }
        String[] f = Files.readString(go).trim().split(" ");
        Map<String, Double> mine = run(h, variant, Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
        Path tmp = Path.of(base + ".m" + index + ".tmp");
        Bench.write(tmp, mine);
        Files.move(tmp, Path.of(base + ".m" + index));
    }

    /** This member's 8 threads from {@code start} (wall clock): warm-up, then the measured window. */
    private static Map<String, Double> run(HotKeyStore h, String variant, long start, long warmup, long measure)
            throws InterruptedException, IOException {
        long wait = start - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        long from = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmup);
        long to = from + TimeUnit.MILLISECONDS.toNanos(measure);
        Worker[] w = new Worker[THREADS];
        Thread[] t = new Thread[THREADS];
        for (int i = 0; i < THREADS; i++) {
            w[i] = new Worker(h.incrementer(variant, KEY), from, to);
            t[i] = new Thread(w[i], "hotkey-" + i);
            t[i].start();
        }
        Histogram all = new Histogram(3);
        Map<String, Double> r = new LinkedHashMap<>();
        long ops = 0;
        long attempts = 0;
        long total = 0;
        long errors = 0;
        for (int i = 0; i < THREADS; i++) {
            t[i].join(TimeUnit.SECONDS.toMillis(60) + measure + warmup);
            if (t[i].isAlive()) {
                throw new IllegalStateException("hot-key thread " + i + " still running: an operation hangs");
            }
            all.add(w[i].latency);
            ops += w[i].measuredOps;
            attempts += w[i].measuredAttempts;
            total += w[i].totalOps;
            errors += w[i].errors;
            if (w[i].firstError != null) {
                Bench.log("hot key error: " + w[i].firstError);
            }
        }
        r.put("measuredOps", (double) ops);
        r.put("measuredAttempts", (double) attempts);
        r.put("totalOps", (double) total);
        r.put("errors", (double) errors);
        r.put("p50", all.getTotalCount() == 0 ? 0 : all.getValueAtPercentile(50) / 1000.0);
        r.put("p99", all.getTotalCount() == 0 ? 0 : all.getValueAtPercentile(99) / 1000.0);
        r.put("p999", all.getTotalCount() == 0 ? 0 : all.getValueAtPercentile(99.9) / 1000.0);
        return r;
    }

    private static final class Worker implements Runnable {
        final Incrementer inc;
        final long from;
        final long to;
        final Histogram latency = new Histogram(3);
        long measuredOps;
        long measuredAttempts;
        long totalOps;
        long errors;
        String firstError;

        Worker(Incrementer inc, long from, long to) {
            this.inc = inc;
            this.from = from;
            this.to = to;
        }

        @Override
        public void run() {
            while (true) {
                long t0 = System.nanoTime();
                if (t0 - to >= 0) {
                    return;
                }
                int attempts;
                try {
                    attempts = inc.increment();
                } catch (RuntimeException e) {
                    errors++;
                    if (firstError == null) {
                        firstError = e.toString();
                    }
                    continue;
                }
                totalOps++;
                if (t0 - from >= 0) {
                    latency.recordValue(System.nanoTime() - t0);
                    measuredOps++;
                    measuredAttempts += attempts;
                }
            }
        }
    }
}
