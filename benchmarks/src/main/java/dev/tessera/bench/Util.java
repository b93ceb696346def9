package dev.tessera.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

final class Util {
    private Util() {
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code "key-" + i}. */
    static String[] keys(int n) {
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = "key-" + i;
        }
        return keys;
    }

    /** Value i = the i-th 100-byte block of one {@code new Random(42)}. */
    static byte[][] values(int n) {
        Random r = new Random(42);
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) {
            values[i] = new byte[100];
            r.nextBytes(values[i]);
        }
        return values;
    }

    /**
     * Loads {@code "key-" + i -> block i of Random(42)} for i in [0, n) in putAll batches of
     * {@code batch}, generating each batch on the fly so the loader retains nothing.
     */
    static void load(Store store, int n, int batch) {
        Random r = new Random(42);
        for (int from = 0; from < n; from += batch) {
            Map<String, byte[]> m = new LinkedHashMap<>(batch * 2);
            for (int i = from; i < Math.min(n, from + batch); i++) {
                byte[] v = new byte[100];
                r.nextBytes(v);
                m.put("key-" + i, v);
            }
            store.putAll(m);
        }
    }

    /**
     * Like {@link #load} with {@code threads} loader threads; batch b goes to thread b % threads, the
     * values are the same blocks (the generator skips ahead).
     */
    static void loadParallel(Store store, int n, int batch, int threads) throws InterruptedException {
        if (threads <= 1) {
            load(store, n, batch);
            return;
        }
        Thread[] ts = new Thread[threads];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts[t] = new Thread(() -> {
                try {
                    Random r = new Random(42);
                    byte[] skip = new byte[100];
                    int next = 0; // values generated so far
                    for (int b = id; (long) b * batch < n; b += threads) {
                        int from = b * batch;
                        while (next < from) {
                            r.nextBytes(skip);
                            next++;
                        }
                        Map<String, byte[]> m = new LinkedHashMap<>(batch * 2);
                        for (int i = from; i < Math.min(n, from + batch); i++) {
                            byte[] v = new byte[100];
                            r.nextBytes(v);
                            next++;
                            m.put("key-" + i, v);
                        }
                        store.putAll(m);
                    }
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            }, "loader-" + t);
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        if (failure[0] != null) {
            throw new IllegalStateException("preload failed: " + failure[0], failure[0]);
        }
    }
}
