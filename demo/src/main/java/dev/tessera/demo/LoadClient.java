package dev.tessera.demo;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A client of the demo members' HTTP API, as a service's callers would be: when a member fails it
 * retries the same request on another member.
 *
 * <ul>
 *   <li>{@code fill --count 10000 [--map orders]}: loads sample data.</li>
 *   <li>{@code load --seconds 20 [--map load] [--threads 4]}: keeps writing new keys, counts every
 *       acknowledged write, then reads every acknowledged key back and prints acked / failed / lost.
 *       Exits with status 1 if an acknowledged write is lost.</li>
 * </ul>
 * Both take {@code --members http://127.0.0.1:8081,http://127.0.0.1:8082,...}; members that join
 * later are picked up from {@code /api/summary}.
 */
public final class LoadClient {
    /** How long one write or read keeps retrying on other members before it counts as failed. */
    private static final long OP_DEADLINE_MS = 30_000;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    /** Base URLs of the members to use; replaced with the live members' list every 2 s. */
    private volatile List<String> members;
    /** Member URL -> time until which it is skipped, after it failed to answer. */
    private final Map<String, Long> badUntil = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong retries = new AtomicLong();
    private final Map<String, String> lastError = new ConcurrentHashMap<>();
    private volatile long lastRefresh;

    private LoadClient(List<String> urls) {
        List<String> members = new ArrayList<>();
        for (String u : urls) {
            String url = u.trim();
            if (url.isEmpty()) {
                continue;
            }
            if (url.matches("\\d+")) {
                url = "http://127.0.0.1:" + url;
            }
            while (url.endsWith("/")) {
                url = url.substring(0, url.length() - 1);
            }
            if (!members.contains(url)) {
                members.add(url);
            }
        }
        if (members.isEmpty()) {
            throw new IllegalArgumentException("--members needs at least one member URL, e.g. http://127.0.0.1:8081");
        }
        this.members = List.copyOf(members);
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("fill") || args[0].equals("load"))) {
            usage("first argument must be 'fill' or 'load'");
        }
        String verb = args[0];
        String membersArg = null;
        String map = verb.equals("fill") ? "orders" : "load";
        int count = 10_000;
        int seconds = 20;
        int threads = verb.equals("fill") ? 8 : 4;
        for (int i = 1; i < args.length; i++) {
            if (i + 1 >= args.length) {
                usage("missing value after " + args[i]);
            }
            String v = args[++i];
            try {
                switch (args[i - 1]) {
                    case "--members" -> membersArg = v;
                    case "--map" -> map = v;
                    case "--count" -> count = Integer.parseInt(v);
                    case "--seconds" -> seconds = Integer.parseInt(v);
                    case "--threads" -> threads = Integer.parseInt(v);
                    default -> usage("unknown flag " + args[i - 1]);
                }
            } catch (NumberFormatException e) {
                usage(args[i - 1] + " needs a number, was '" + v + "'");
            }
        }
        if (membersArg == null) {
            usage("--members is required");
        }
        if (count < 0 || seconds < 1 || threads < 1 || threads > 64) {
            usage("need --count >= 0, --seconds >= 1 and 1 <= --threads <= 64");
        }
        LoadClient client = new LoadClient(Arrays.asList(membersArg.split(",")));
        int status = verb.equals("fill") ? client.fill(map, count, threads) : client.load(map, seconds, threads);
        System.exit(status);
    }

    private static void usage(String problem) {
        System.err.println("error: " + problem);
        System.err.println("usage: LoadClient fill --members URL[,URL...] [--count 10000] [--map orders] [--threads 8]");
        System.err.println("       LoadClient load --members URL[,URL...] [--seconds 20] [--map load] [--threads 4]");
        System.exit(2);
    }

    // ---- fill ----

    private int fill(String map, int count, int threads) throws InterruptedException {
        long t0 = System.nanoTime();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger cursor = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    int i;
                    while ((i = cursor.getAndIncrement()) < count) {
                        String key = String.format(Locale.ROOT, "order-%05d", i + 1);
                        if (!put(map, key, sampleValue(i + 1), System.currentTimeMillis() + OP_DEADLINE_MS)) {
                            failed.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "loaded %,d sample entries into map '%s' in %.1f s (%,.0f writes/s)%s%n", count - failed.get(),
                map, s, count / Math.max(s, 0.001), failed.get() > 0 ? "; " + failed.get() + " writes FAILED: " + lastError : "");
        return failed.get() == 0 ? 0 : 1;
    }

    private static String sampleValue(int i) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return String.format(Locale.ROOT, "{\"order\":%d,\"customer\":\"c-%03d\",\"items\":%d,\"total\":%d.%02d}", i,
                r.nextInt(1000), 1 + r.nextInt(9), r.nextInt(500), r.nextInt(100));
    }

    // ---- load ----

    private int load(String map, int seconds, int threads) throws InterruptedException {
        String run = Long.toString(System.currentTimeMillis(), 36);
        System.out.printf(Locale.ROOT, "writing new keys to map '%s' for %d s from %d threads through %s; run id %s%n", map, seconds,
                threads, members, run);
        System.out.println("(kill, stop, pause or add members meanwhile: writes retry on another member)");
        Set<String> acked = ConcurrentHashMap.newKeySet();
        AtomicLong attempted = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLongArray acksPerSecond = new AtomicLongArray(seconds + 60);
        long start = System.currentTimeMillis();
        long end = start + seconds * 1000L;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            pool.submit(() -> {
                for (long seq = 0; System.currentTimeMillis() < end; seq++) {
                    String key = "load-" + run + "-" + thread + "-" + seq;
                    attempted.incrementAndGet();
                    if (put(map, key, valueOf(key), System.currentTimeMillis() + OP_DEADLINE_MS)) {
                        acked.add(key);
                        int sec = (int) ((System.currentTimeMillis() - start) / 1000);
                        if (sec < acksPerSecond.length()) {
                            acksPerSecond.incrementAndGet(sec);
                        }
                    } else {
                        failed.incrementAndGet();
                    }
                }
            });
        }
        pool.shutdown();
        long lastPrint = 0;
        while (!pool.awaitTermination(200, TimeUnit.MILLISECONDS)) {
            long now = System.currentTimeMillis();
            if (now - lastPrint >= 2000) {
                lastPrint = now;
                System.out.printf(Locale.ROOT, "  %3d s  acked %,8d  failed %,d  retried requests %,d  members %d%n",
                        (now - start) / 1000, acked.size(), failed.get(), retries.get(), members.size());
            }
        }
        long writeMs = System.currentTimeMillis() - start;
        int secondsRun = (int) Math.min(acksPerSecond.length(), Math.max(1, writeMs / 1000)); // whole seconds only
        int secondsWithAcks = 0;
        for (int s = 0; s < secondsRun; s++) {
            if (acksPerSecond.get(s) > 0) {
                secondsWithAcks++;
            }
        }

        System.out.printf(Locale.ROOT, "reading back all %,d acknowledged keys...%n", acked.size());
        AtomicLong lost = new AtomicLong();
        AtomicLong wrong = new AtomicLong();
        AtomicLong unreadable = new AtomicLong();
        List<String> lostKeys = new CopyOnWriteArrayList<>();
        ExecutorService readers = Executors.newFixedThreadPool(8);
        for (String key : acked) {
            readers.submit(() -> {
                ReadResult r = get(map, key, System.currentTimeMillis() + OP_DEADLINE_MS);
                switch (r.kind) {
                    case FOUND -> {
                        if (!valueOf(key).equals(r.value)) {
                            wrong.incrementAndGet();
                            lostKeys.add(key + " (wrong value)");
                        }
                    }
                    case ABSENT -> {
                        lost.incrementAndGet();
                        lostKeys.add(key);
                    }
                    case UNREACHABLE -> unreadable.incrementAndGet();
                }
            });
        }
        readers.shutdown();
        readers.awaitTermination(1, TimeUnit.HOURS);

        System.out.println();
        System.out.printf(Locale.ROOT, "attempted %,d  acked %,d  failed %,d  lost %,d%s%n", attempted.get(), acked.size(), failed.get(),
                lost.get() + wrong.get(), unreadable.get() > 0 ? "  unverified (no member answered) " + unreadable.get() : "");
        System.out.printf(Locale.ROOT, "%.1f s of writes, %,.0f acked writes/s, %d of %d seconds with acknowledged writes,"
                        + " %,d requests retried on another member%n", writeMs / 1000.0, acked.size() / (writeMs / 1000.0),
                secondsWithAcks, secondsRun, retries.get());
        if (!lastError.isEmpty()) {
            System.out.println("last error per member: " + lastError);
        }
        if (lost.get() + wrong.get() > 0) {
            System.out.println("LOST acknowledged writes, e.g. " + lostKeys.subList(0, Math.min(10, lostKeys.size())));
            return 1;
        }
        System.out.println(unreadable.get() == 0 ? "OK: every acknowledged write was read back" : "could not verify every key");
        return unreadable.get() == 0 ? 0 : 1;
    }

    private static String valueOf(String key) {
        return "value-of-" + key;
    }

    // ---- HTTP with fail-over ----

    private enum Kind { FOUND, ABSENT, UNREACHABLE }

    private record ReadResult(Kind kind, String value) {}

    /** PUTs until a member acknowledges (2xx) or the deadline passes; the same value each try, so retries are safe. */
    private boolean put(String map, String key, String value, long deadline) {
        String path = "/kv/" + map + "/" + URLEncoder.encode(key, StandardCharsets.UTF_8);
        int attempt = 0;
        while (System.currentTimeMillis() < deadline) {
            String base = member(attempt);
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(12))
                        .PUT(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 == 2) {
                    return true;
                }
                lastError.put(base, r.statusCode() + " " + r.body().strip());
                if (r.statusCode() / 100 == 4) {
                    return false; // our request is wrong; retrying will not help
                }
            } catch (IOException e) {
                badUntil.put(base, System.currentTimeMillis() + 2000);
                lastError.put(base, e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : ""));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            attempt++;
            retries.incrementAndGet();
            pause(attempt);
        }
        return false;
    }

    private ReadResult get(String map, String key, long deadline) {
        String path = "/kv/" + map + "/" + URLEncoder.encode(key, StandardCharsets.UTF_8);
        int attempt = 0;
        while (System.currentTimeMillis() < deadline) {
            String base = member(attempt);
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(12))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return new ReadResult(Kind.FOUND, r.body());
                }
                if (r.statusCode() == 404) {
                    return new ReadResult(Kind.ABSENT, null);
                }
                lastError.put(base, r.statusCode() + " " + r.body().strip());
            } catch (IOException e) {
                badUntil.put(base, System.currentTimeMillis() + 2000);
                lastError.put(base, e.getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            attempt++;
            retries.incrementAndGet();
            pause(attempt);
        }
        return new ReadResult(Kind.UNREACHABLE, null);
    }

    /** Round-robin over the members, skipping for 2 s a member that just failed to answer. */
    private String member(int attempt) {
        refreshMembers();
        List<String> m = members;
        long now = System.currentTimeMillis();
        int start = next.getAndIncrement() + attempt;
        for (int k = 0; k < m.size(); k++) {
            String url = m.get(Math.floorMod(start + k, m.size()));
            if (badUntil.getOrDefault(url, 0L) <= now) {
                return url;
            }
        }
        return m.get(Math.floorMod(start, m.size()));
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(500, 20L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every 2 s, learns the HTTP ports of the current members from any member's {@code /api/summary}. */
    private void refreshMembers() {
        long now = System.currentTimeMillis();
        if (now - lastRefresh < 2000) {
            return;
        }
        synchronized (this) {
            if (now - lastRefresh < 2000) {
                return;
            }
            lastRefresh = now;
        }
        List<String> candidates = new ArrayList<>(members);
        candidates.sort((a, b) -> Boolean.compare(badUntil.getOrDefault(a, 0L) > now, badUntil.getOrDefault(b, 0L) > now));
        for (String base : candidates) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/summary"))
                        .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    continue;
                }
                for (String part : r.body().strip().split(" ")) {
                    if (part.startsWith("http=") && part.length() > 5) {
                        List<String> live = new ArrayList<>();
                        for (String port : part.substring(5).split(",")) {
                            String url = "http://127.0.0.1:" + port.trim();
                            live.add(url);
                            if (!members.contains(url)) {
                                System.out.println("  (found new member " + url + ")");
                            }
                        }
                        members = List.copyOf(live);
                    }
                }
                return;
            } catch (IOException e) {
                // try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
