package dev.tessera.demo.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tessera.demo.LoopbackOnly;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.Grid;
import dev.tessera.grid.core.drill.FailureDrills;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault-injection and workload endpoints under {@code /admin/} for the chaos tests (issue 3). They run inside the
 * member JVM and drive its embedded grid. <b>For tests only</b>: they can cut a member off and fill it with data, so
 * a member registers them only when started with an explicit flag ({@code MemberApp --admin}, or
 * {@code -Dtessera.demo.admin=true}; the chaos tests' member passes {@code --admin true}), and they answer only
 * requests whose {@code Host} and {@code Origin} are the member's own loopback address ({@link LoopbackOnly}).
 * No request names a file: the workload journal, if asked for, is {@code <journal dir>/<member>.journal}, the
 * directory fixed when the member starts. Every size, count and duration in a request is bounded (400 beyond).
 *
 * <table>
 * <caption>Endpoints</caption>
 * <tr><td>{@code POST /admin/isolate?members=m2,m3}</td><td>drop all traffic to and from those members (by name;
 *     every address the name ever had). Call it on both sides of a split. Replaces the previous isolation.</td></tr>
 * <tr><td>{@code POST /admin/heal}</td><td>drop nothing any more</td></tr>
 * <tr><td>{@code POST /admin/workload/start?map=chaos&threads=2&keys=32&readPercent=50&seed=1&backups=1&mode=AVAILABLE&rate=100&journal=true}</td>
 *     <td>starts a recorded workload ({@link Workload}); {@code rate} is operations per second per thread (0 = no
 *     limit); {@code journal=true} appends every operation as it happens (survives kill -9) to the member's
 *     journal file, whose path the answer names. It ends by itself after {@value #MAX_WORKLOAD_OPS} operations
 *     (the history is kept in memory). 409 if one is running.</td></tr>
 * <tr><td>{@code POST /admin/workload/stop[?waitMillis=15000]}</td><td>stops it, waiting for operations in flight;
 *     answers its counters</td></tr>
 * <tr><td>{@code GET /admin/workload/stats}</td><td>counters: attempted, ok, failed, unknown, inFlight</td></tr>
 * <tr><td>{@code GET /admin/workload/history}</td><td>plain text, one {@link OpRecord} line per operation</td></tr>
 * <tr><td>{@code GET /admin/health}</td><td>JSON, see {@link Health}</td></tr>
 * <tr><td>{@code POST /admin/preload?map=bulk&count=200000&from=0&valueBytes=64&backups=1&mode=AVAILABLE}</td>
 *     <td>writes keys {@code p<from>..p<from+count-1>} (acknowledged when the call returns)</td></tr>
 * <tr><td>{@code GET /admin/verify-preload?map=bulk&count=..&from=..&valueBytes=..&backups=..&mode=..}</td>
 *     <td>reads them back: {@code present=.. missing=.. wrong=.. failed=..}</td></tr>
 * <tr><td>{@code GET /admin/read?map=chaos&keys=32&backups=..&mode=..}</td><td>reads {@code k0..k<keys-1>}, one
 *     line each: {@code key value invokeNanos completeNanos outcome} (value {@code ~} = none)</td></tr>
 * <tr><td>{@code GET /admin/replica-digest?map=bulk&backups=1}</td><td>what this member holds of the map in each
 *     partition where its table gives it a data slot: entries and digest ({@link dev.tessera.grid.core.drill.FailureDrills#replicaDigest});
 *     the chaos rounds compare them with the primary's</td></tr>
 * </table>
 *
 * <p>Query parameters {@code backups} (default 1) and {@code mode} (default AVAILABLE) give the map configuration;
 * every member must use the same one for a map name.
 */
public final class AdminEndpoints {
    private static final Logger log = LoggerFactory.getLogger(AdminEndpoints.class);

    /** System property that turns the endpoints on in {@code MemberApp}, like its {@code --admin} flag. */
    public static final String ENABLE_PROPERTY = "tessera.demo.admin";
    /** A workload ends by itself after this many operations: its history is held in memory. */
    static final long MAX_WORKLOAD_OPS = 1_000_000;
    static final int MAX_THREADS = 16;
    static final int MAX_KEYS = 100_000;
    static final double MAX_RATE = 10_000;
    static final long MAX_WAIT_MILLIS = 120_000;
    static final long MAX_PRELOAD_COUNT = 1_000_000;
    static final long MAX_PRELOAD_FROM = 1_000_000_000L;
    static final int MAX_VALUE_BYTES = 65_536;
    static final long MAX_PRELOAD_BYTES = 256L << 20;
    static final int MAX_BATCH = 10_000;
    static final int MAX_ISOLATED = 64;
    private static final Pattern MAP_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    private final Grid grid;
    private final FailureDrills drills;
    private final String memberName;
    private final Path journal;
    private final MemberDirectory directory;
    private final AtomicLong seqs = new AtomicLong();
    private volatile Workload workload;

    private AdminEndpoints(Grid grid, Path journalDir) {
        this.grid = grid;
        this.drills = FailureDrills.of(grid);
        this.memberName = grid.localMember().name();
        this.journal = journalDir.toAbsolutePath().normalize().resolve(memberName.replaceAll("[^A-Za-z0-9_.-]", "_") + ".journal");
        this.directory = new MemberDirectory(grid);
    }

    /**
     * Adds the {@code /admin/...} contexts to {@code server} for {@code grid}, behind a {@link LoopbackOnly} check.
     * Call it only for a member started with the admin flag.
     *
     * @param journalDir where a workload that asks for a journal writes it ({@code <member>.journal})
     */
    public static void register(HttpServer server, Grid grid, Path journalDir) {
        AdminEndpoints admin = new AdminEndpoints(grid, journalDir);
        admin.directory.refresh();
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "admin-member-directory");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(() -> {
            try {
                admin.directory.refresh();
            } catch (RuntimeException e) {
                log.debug("member directory refresh failed: {}", e.toString());
            }
        }, 200, 200, TimeUnit.MILLISECONDS);
        server.createContext("/admin/", admin::handle).getFilters().add(new LoopbackOnly(server.getAddress().getPort()));
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        try {
            switch (path) {
                case "/admin/health" -> reply(ex, 200, "application/json", Json.write(Health.of(grid, drills, directory, workload)));
                case "/admin/isolate" -> requirePost(ex, method, () -> isolate(ex, q));
                case "/admin/heal" -> requirePost(ex, method, () -> heal(ex));
                case "/admin/workload/start" -> requirePost(ex, method, () -> startWorkload(ex, q));
                case "/admin/workload/stop" -> requirePost(ex, method, () -> stopWorkload(ex, q));
                case "/admin/workload/stats" -> {
                    Workload w = workload;
                    reply(ex, 200, "text/plain", w == null ? "none" : w.stats());
                }
                case "/admin/workload/history" -> history(ex);
                case "/admin/preload" -> requirePost(ex, method, () -> preload(ex, q));
                case "/admin/verify-preload" -> verifyPreload(ex, q);
                case "/admin/read" -> readKeys(ex, q);
                case "/admin/replica-digest" -> reply(ex, 200, "text/plain",
                        drills.replicaDigest(mapName(q), intParam(q, "backups", 1, 0, MapConfig.MAX_BACKUPS) + 1));
                default -> reply(ex, 404, "text/plain", "unknown admin endpoint " + path);
            }
        } catch (IllegalArgumentException e) {
            reply(ex, 400, "text/plain", String.valueOf(e.getMessage()));
        } catch (Exception e) {
            log.warn("{} {} failed", method, path, e);
            reply(ex, 500, "text/plain", e.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------- faults

    private void isolate(HttpExchange ex, Map<String, String> q) throws IOException {
        Set<String> drop = new HashSet<>();
        List<String> unknown = new ArrayList<>();
        String[] names = required(q, "members").split(",");
        if (names.length > MAX_ISOLATED) {
            throw new IllegalArgumentException("members: at most " + MAX_ISOLATED + " names, was " + names.length);
        }
        for (String name : names) {
            String n = name.trim();
            if (n.isEmpty() || n.equals(memberName)) {
                continue;
            }
            Set<String> a = directory.ids(n);
            if (a.isEmpty()) {
                unknown.add(n);
            }
            drop.addAll(a);
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown member name(s) " + unknown + "; known: " + directory.namesOf(
                    grid.members()));
        }
        drills.isolateFrom(drop);
        reply(ex, 200, "text/plain", "isolated from " + directory.names(drop));
    }

    private void heal(HttpExchange ex) throws IOException {
        drills.heal();
        reply(ex, 200, "text/plain", "healed");
    }

    // ---------------------------------------------------------------------------------------------- workload

    private synchronized void startWorkload(HttpExchange ex, Map<String, String> q) throws IOException {
        Workload w = workload;
        if (w != null && w.isRunning()) {
            reply(ex, 409, "text/plain", "a workload is running: " + w.stats());
            return;
        }
        boolean journaled = journalFlag(q.get("journal"));
        Workload.Params p = new Workload.Params(mapName(q), intParam(q, "threads", 2, 1, MAX_THREADS),
                intParam(q, "keys", 32, 1, MAX_KEYS), intParam(q, "readPercent", 50, 0, 100), longParam(q, "seed", 1,
                Long.MIN_VALUE, Long.MAX_VALUE), rate(q), journaled ? journal : null, MAX_WORKLOAD_OPS);
        GridMap<String, String> map = grid.map(p.map(), mapConfig(q));
        Workload next = new Workload(memberName, map, p, seqs, grid::isRunning);
        workload = next;
        next.start();
        reply(ex, 200, "text/plain", "started " + p);
    }

    /** {@code journal=true|false}; a path is refused: the member chooses the file. */
    private static boolean journalFlag(String v) {
        if (v == null || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw new IllegalArgumentException("journal must be true or false, was '" + v + "' (the member writes its"
                + " journal to <journal dir>/<member>.journal; the answer names the file)");
    }

    private static double rate(Map<String, String> q) {
        String v = q.getOrDefault("rate", "100");
        double r;
        try {
            r = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rate must be a number, was " + v);
        }
        if (!(r >= 0 && r <= MAX_RATE)) {
            throw new IllegalArgumentException("rate must be 0 (no limit) .. " + MAX_RATE + " operations per second per"
                    + " thread, was " + v);
        }
        return r;
    }

    private void stopWorkload(HttpExchange ex, Map<String, String> q) throws Exception {
        long waitMillis = longParam(q, "waitMillis", 15_000, 0, MAX_WAIT_MILLIS);
        Workload w = workload;
        if (w == null) {
            reply(ex, 200, "text/plain", "none");
            return;
        }
        reply(ex, 200, "text/plain", w.stop(waitMillis));
    }

    private void history(HttpExchange ex) throws IOException {
        Workload w = workload;
        StringBuilder sb = new StringBuilder();
        if (w != null) {
            for (OpRecord r : w.history()) {
                sb.append(r.toLine()).append('\n');
            }
        }
        reply(ex, 200, "text/plain", sb.toString());
    }

    // ---------------------------------------------------------------------------------------------- bulk data

    /** The value preloaded for key {@code p<i>}: deterministic, so it can be verified anywhere. */
    static String preloadValue(long i, int valueBytes) {
        StringBuilder sb = new StringBuilder(valueBytes).append('v').append(i).append(':');
        while (sb.length() < valueBytes) {
            sb.append((char) ('a' + (i + sb.length()) % 26));
        }
        return sb.toString();
    }

    /** The bounded bulk-data parameters shared by preload and verify-preload. */
    private record Bulk(long from, long count, int valueBytes, int batch) {
        static Bulk of(Map<String, String> q) {
            Bulk b = new Bulk(longParam(q, "from", 0, 0, MAX_PRELOAD_FROM), longParam(q, "count", -1, 1, MAX_PRELOAD_COUNT),
                    intParam(q, "valueBytes", 64, 1, MAX_VALUE_BYTES), intParam(q, "batch", 500, 1, MAX_BATCH));
            if (b.count * b.valueBytes > MAX_PRELOAD_BYTES) {
                throw new IllegalArgumentException("count * valueBytes must be at most " + MAX_PRELOAD_BYTES + " bytes, was "
                        + b.count * b.valueBytes);
            }
            return b;
        }
    }

    private void preload(HttpExchange ex, Map<String, String> q) throws IOException {
        Bulk b = Bulk.of(q);
        GridMap<String, String> map = grid.map(mapName(q), mapConfig(q));
        long from = b.from();
        long count = b.count();
        int valueBytes = b.valueBytes();
        int batch = b.batch();
        long started = System.nanoTime();
        for (long i = from; i < from + count; i += batch) {
            Map<String, String> entries = new HashMap<>();
            for (long j = i; j < Math.min(from + count, i + batch); j++) {
                entries.put("p" + j, preloadValue(j, valueBytes));
            }
            RuntimeException last = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                try {
                    map.putAll(entries); // idempotent: retried on failure
                    last = null;
                    break;
                } catch (RuntimeException e) {
                    last = e;
                }
            }
            if (last != null) {
                throw last;
            }
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        log.info("preloaded {} entries into '{}' in {} ms", count, map.name(), ms);
        reply(ex, 200, "text/plain", "preloaded=" + count + " millis=" + ms);
    }

    private void verifyPreload(HttpExchange ex, Map<String, String> q) throws IOException {
        Bulk b = Bulk.of(q);
        GridMap<String, String> map = grid.map(mapName(q), mapConfig(q));
        long from = b.from();
        long count = b.count();
        int valueBytes = b.valueBytes();
        int batch = b.batch();
        long present = 0;
        long missing = 0;
        long wrong = 0;
        long failed = 0;
        List<String> examples = new ArrayList<>();
        for (long i = from; i < from + count; i += batch) {
            Set<String> keys = new HashSet<>();
            for (long j = i; j < Math.min(from + count, i + batch); j++) {
                keys.add("p" + j);
            }
            Map<String, String> got;
            try {
                got = map.getAll(keys);
            } catch (RuntimeException e) {
                failed += keys.size();
                if (examples.size() < 10) {
                    // which partition and owner: a batch fails whole when one key's partition is stuck
                    examples.add("batch@" + i + ":" + e.getClass().getSimpleName() + (e instanceof dev.tessera.grid.GridTimeoutException t
                            ? "(p" + t.partition() + " at " + t.member() + ")" : ""));
                }
                continue;
            }
            for (String k : keys) {
                String v = got.get(k);
                if (v == null) {
                    missing++;
                    if (examples.size() < 10) {
                        examples.add(k + ":missing");
                    }
                } else if (!v.equals(preloadValue(Long.parseLong(k.substring(1)), valueBytes))) {
                    wrong++;
                    if (examples.size() < 10) {
                        examples.add(k + ":wrong");
                    }
                } else {
                    present++;
                }
            }
        }
        reply(ex, 200, "text/plain", "present=" + present + " missing=" + missing + " wrong=" + wrong + " failed="
                + failed + " examples=" + String.join(",", examples));
    }

    private void readKeys(HttpExchange ex, Map<String, String> q) throws IOException {
        int keys = intParam(q, "keys", -1, 1, MAX_KEYS);
        GridMap<String, String> map = grid.map(mapName(q), mapConfig(q));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < keys; i++) {
            String key = "k" + i;
            long invoke = System.nanoTime();
            String value;
            String outcome;
            try {
                String v = map.get(key);
                value = v == null ? OpRecord.NULL_VALUE : v;
                outcome = "OK";
            } catch (RuntimeException e) {
                value = OpRecord.NO_VALUE;
                outcome = "UNKNOWN:" + e.getClass().getSimpleName();
            }
            long complete = System.nanoTime();
            sb.append(key).append('\t').append(value).append('\t').append(invoke).append('\t').append(complete)
                    .append('\t').append(outcome).append('\n');
        }
        reply(ex, 200, "text/plain", sb.toString());
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static MapConfig mapConfig(Map<String, String> q) {
        SplitBrainMode mode;
        try {
            mode = SplitBrainMode.valueOf(q.getOrDefault("mode", "AVAILABLE").toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mode must be AVAILABLE or CONSISTENT, was " + q.get("mode"));
        }
        return MapConfig.builder().backups(intParam(q, "backups", 1, 0, MapConfig.MAX_BACKUPS)).splitBrainMode(mode).build();
    }

    private interface IoAction {
        void run() throws Exception;
    }

    private static void requirePost(HttpExchange ex, String method, IoAction action) throws Exception {
        if (!"POST".equals(method)) {
            reply(ex, 405, "text/plain", "use POST");
            return;
        }
        action.run();
    }

    private static String required(Map<String, String> q, String name) {
        String v = q.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing query parameter '" + name + "'");
        }
        return v;
    }

    private static String mapName(Map<String, String> q) {
        String name = required(q, "map");
        if (!MAP_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad map name: use 1-100 letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    /** {@code def} if absent ({@code def} outside the range: required); otherwise within [min, max] or a 400. */
    private static int intParam(Map<String, String> q, String name, int def, int min, int max) {
        return (int) longParam(q, name, def, min, max);
    }

    private static long longParam(Map<String, String> q, String name, long def, long min, long max) {
        String v = q.get(name);
        if (v == null && def >= min && def <= max) {
            return def;
        }
        if (v == null) {
            throw new IllegalArgumentException("missing query parameter '" + name + "' (" + min + ".." + max + ")");
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer " + min + ".." + max + ", was '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + n);
        }
        return n;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void reply(HttpExchange ex, int code, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
        ex.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        } else {
            ex.close();
        }
    }
}
