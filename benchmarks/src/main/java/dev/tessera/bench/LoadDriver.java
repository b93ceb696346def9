package dev.tessera.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The closed-loop driver of WORKLOAD.md: {@code threads} threads, thread t draws from
 * {@code new SplittableRandom(4242 + 7919 * t)}; per operation {@code k = nextInt(keys)}, then
 * {@code nextInt(100) < readPercent} → get of key k, else a blind write of
 * {@code values[nextInt(keys)]} to key k. Each call is timed with {@code System.nanoTime()} into a
 * per-thread HdrHistogram (3 significant digits) per kind, merged at the end. Operations starting
 * in the warm-up are not recorded; the figures cover operations started in the measured window.
 * Where the driver's member is known to be the primary of a key ({@code primaryHere}, from the table
 * before the run), puts are also recorded apart as {@code put.local} and {@code put.remote}: a put to
 * a remote primary waits for more network hops, so the split shows where the put tail comes from. Gets are split
 * likewise ({@code get.local}, {@code get.remote}: the primary elsewhere; a store reading from backups or any owner
 * serves some of those locally).
 */
final class LoadDriver {
    private LoadDriver() {
    }

    static Map<String, Double> run(Store store, String[] keys, byte[][] values, int readPercent, int threads,
                                   long warmupMillis, long measureMillis, boolean[] primaryHere) throws InterruptedException {
        int n = keys.length;
        Worker[] workers = new Worker[threads];
        CountDownLatch go = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        long[] window = new long[2];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Worker(t, store, keys, values, readPercent, window, go, primaryHere);
            ts[t] = new Thread(workers[t], "driver-" + t);
            ts[t].start();
        }
        Map<String, Long> before = null;
        long start = System.nanoTime();
        window[0] = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
        window[1] = window[0] + TimeUnit.MILLISECONDS.toNanos(measureMillis);
        go.countDown();
        // counters (near-cache hits, messages) as deltas over the measured window
        long toWindow = window[0] - System.nanoTime();
        if (toWindow > 0) {
            TimeUnit.NANOSECONDS.sleep(toWindow);
        }
        before = store.counters();
        Bench.log("window-start");
        long toEnd = window[1] - System.nanoTime();
        if (toEnd > 0) {
            TimeUnit.NANOSECONDS.sleep(toEnd);
        }
        Map<String, Long> after = store.counters();
        Bench.log("window-end");
        for (Thread t : ts) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " still running 60 s after the window: an operation hangs");
            }
        }
        Histogram get = new Histogram(3);
        Histogram put = new Histogram(3);
        Histogram putLocal = new Histogram(3);
        Histogram putRemote = new Histogram(3);
        Histogram getLocal = new Histogram(3);
        Histogram getRemote = new Histogram(3);
        long misses = 0;
        long errors = 0;
        String firstError = null;
        for (Worker w : workers) {
            get.add(w.get);
            put.add(w.put);
            putLocal.add(w.putLocal);
            putRemote.add(w.putRemote);
            getLocal.add(w.getLocal);
            getRemote.add(w.getRemote);
            misses += w.misses;
            errors += w.errors;
            if (firstError == null) {
                firstError = w.firstError;
            }
        }
        Map<String, Double> r = new LinkedHashMap<>();
        double seconds = measureMillis / 1000.0;
        long ops = get.getTotalCount() + put.getTotalCount();
        r.put("ops", ops / seconds);
        r.put("gets", (double) get.getTotalCount());
        r.put("puts", (double) put.getTotalCount());
        percentiles(r, "get", get);
        percentiles(r, "put", put);
        percentiles(r, "put.local", putLocal);
        percentiles(r, "put.remote", putRemote);
        percentiles(r, "get.local", getLocal);
        percentiles(r, "get.remote", getRemote);
        r.put("misses", (double) misses);
        r.put("errors", (double) errors);
        for (Map.Entry<String, Long> e : after.entrySet()) {
            Long b = before.get(e.getKey());
            if (b != null) {
                r.put("delta." + e.getKey(), (double) (e.getValue() - b));
            }
        }
        Double hits = r.get("delta.nearcache.hits");
        Double miss = r.get("delta.nearcache.misses");
        if (hits != null && miss != null && hits + miss > 0) {
            r.put("nearcache.hitRatio", hits / (hits + miss));
            r.put("nearcache.hitsPerGet", hits / get.getTotalCount());
        }
        Double sent = r.get("delta.tessera.requestsSent");
        if (sent != null && ops > 0) {
            r.put("tessera.requestsPerOp", sent / ops);
        }
        Double msgs = r.get("delta.jgroups.msgsSent");
        if (msgs != null && ops > 0) {
            r.put("jgroups.msgsSentPerOp", msgs / ops);
        }
        if (putLocal.getTotalCount() > 0 && putRemote.getTotalCount() > 0) {
            Bench.log(String.format("put p50/p99/p99.9 us: local primary %d/%d/%d (%d puts), remote primary %d/%d/%d (%d puts)",
                    putLocal.getValueAtPercentile(50) / 1000, putLocal.getValueAtPercentile(99) / 1000,
                    putLocal.getValueAtPercentile(99.9) / 1000, putLocal.getTotalCount(),
                    putRemote.getValueAtPercentile(50) / 1000, putRemote.getValueAtPercentile(99) / 1000,
                    putRemote.getValueAtPercentile(99.9) / 1000, putRemote.getTotalCount()));
        }
        if (firstError != null) {
            System.out.println("[bench] first error: " + firstError);
        }
        return r;
    }

    private static void percentiles(Map<String, Double> r, String kind, Histogram h) {
        if (h.getTotalCount() == 0) {
            return;
        }
        r.put(kind + ".p50", h.getValueAtPercentile(50) / 1000.0);
        r.put(kind + ".p99", h.getValueAtPercentile(99) / 1000.0);
        r.put(kind + ".p999", h.getValueAtPercentile(99.9) / 1000.0);
        r.put(kind + ".max", h.getMaxValue() / 1000.0);
        r.put(kind + ".mean", h.getMean() / 1000.0);
    }

    private static final class Worker implements Runnable {
        final int id;
        final Store store;
        final String[] keys;
        final byte[][] values;
        final int readPercent;
        final long[] window;
        final CountDownLatch go;
        final Histogram get = new Histogram(3);
        final Histogram put = new Histogram(3);
        final Histogram putLocal = new Histogram(3);
        final Histogram putRemote = new Histogram(3);
        final Histogram getLocal = new Histogram(3);
        final Histogram getRemote = new Histogram(3);
        final boolean[] primaryHere;
        long misses;
        long errors;
        String firstError;

        Worker(int id, Store store, String[] keys, byte[][] values, int readPercent, long[] window, CountDownLatch go,
               boolean[] primaryHere) {
            this.primaryHere = primaryHere;
            this.id = id;
            this.store = store;
            this.keys = keys;
            this.values = values;
            this.readPercent = readPercent;
            this.window = window;
            this.go = go;
        }

        @Override
        public void run() {
            try {
                go.await();
            } catch (InterruptedException e) {
                return;
            }
            SplittableRandom rnd = new SplittableRandom(4242 + 7919L * id);
            int n = keys.length;
            long from = window[0];
            long to = window[1];
            while (true) {
                int k = rnd.nextInt(n);
                String key = keys[k];
                boolean read = rnd.nextInt(100) < readPercent;
                byte[] value = read ? null : values[rnd.nextInt(n)];
                long t0 = System.nanoTime();
                if (t0 - to >= 0) {
                    return;
                }
                boolean miss = false;
                boolean failed = false;
                try {
                    if (read) {
                        miss = store.get(key) == null;
                    } else {
                        store.set(key, value);
                    }
                } catch (RuntimeException e) {
                    failed = true;
                    if (firstError == null) {
                        firstError = e.toString();
                    }
                }
                long t1 = System.nanoTime();
                if (t0 - from >= 0) {
                    (read ? get : put).recordValue(t1 - t0);
                    if (primaryHere != null) {
                        (read ? (primaryHere[k] ? getLocal : getRemote) : (primaryHere[k] ? putLocal : putRemote)).recordValue(t1 - t0);
                    }
                    if (miss) {
                        misses++;
                    }
                    if (failed) {
                        errors++;
                    }
                }
            }
        }
    }
}
