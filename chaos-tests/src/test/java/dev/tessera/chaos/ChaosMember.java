package dev.tessera.chaos;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tessera.demo.admin.AdminEndpoints;
import dev.tessera.grid.Grid;
import dev.tessera.grid.GridBuilder;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.Security;
import dev.tessera.grid.Transport;
import dev.tessera.grid.core.TesseraGrid;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The member process the chaos tests launch: one grid member on TCP loopback with an HTTP server on 127.0.0.1
 * ({@code GET/PUT/DELETE /kv/{map}/{key}}, {@code GET /api/status} and the {@link AdminEndpoints}).
 *
 * <pre>
 * java -cp ... dev.tessera.chaos.ChaosMember --name m1 --grid-port 7801 --http-port 8081
 *      --peers 127.0.0.1[7801],127.0.0.1[7802] --cluster chaos --fd-timeout 2000 [--op-timeout 5000]
 *      [--leave-timeout 30000] [--parent-pid 1234] [--max-lifetime 900] [--admin true --journal-dir DIR]
 * </pre>
 *
 * The {@link AdminEndpoints} exist only with {@code --admin true} (the {@code ChaosCluster} passes it); a workload's
 * journal is {@code DIR/<name>.journal}.
 *
 * SIGTERM leaves gracefully (the grid hands its partitions over first). Backstops so that no member outlives the
 * test that started it: if {@code --parent-pid} is gone, or {@code --max-lifetime} seconds passed, the process
 * halts at once.
 */
public final class ChaosMember {
    private static final Logger log = LoggerFactory.getLogger(ChaosMember.class);

    /** Environment variable holding the cluster's shared secret; unset means plaintext. */
    public static final String SECRET_ENV = "TESSERA_CHAOS_SECRET";

    private ChaosMember() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            log.error("chaos member failed to start", t);
            System.err.println("chaos member failed to start: " + t);
            t.printStackTrace();
            Runtime.getRuntime().halt(2); // JGroups threads would keep a failed JVM alive
        }
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        String name = require(a, "name");
        int gridPort = Integer.parseInt(require(a, "grid-port"));
        int httpPort = Integer.parseInt(require(a, "http-port"));
        List<String> peers = Arrays.stream(require(a, "peers").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        startWatchdog(a);
        // bound before the join (seconds): the harness probed the port free, and the longer it stays unbound the
        // likelier another process takes it (seen once in a soak: "Address already in use" after a 6 s join)
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), httpPort), 64);

        long t0 = System.nanoTime();
        GridBuilder builder = Grid.builder();
        if (System.getenv(SECRET_ENV) != null) {
            builder.security(Security.sharedSecretFromEnv(SECRET_ENV));
        }
        TesseraGrid grid = (TesseraGrid) builder
                .clusterName(a.getOrDefault("cluster", "chaos"))
                .memberName(name)
                .transport(Transport.tcp(gridPort).withPortRange(0).withInitialMembers(peers))
                .failureDetectionTimeout(Duration.ofMillis(Long.parseLong(a.getOrDefault("fd-timeout", "2000"))))
                .operationTimeout(Duration.ofMillis(Long.parseLong(a.getOrDefault("op-timeout", "5000"))))
                .leaveTimeout(Duration.ofMillis(Long.parseLong(a.getOrDefault("leave-timeout", "30000"))))
                .start();
        log.info("member {} joined in {} ms; view {}", name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                grid.channel().currentView());

        ExecutorService http = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(http);
        server.createContext("/kv/", ex -> kv(ex, grid));
        server.createContext("/api/status", ex -> reply(ex, 200, "{\"member\":\"" + name + "\",\"running\":"
                + grid.isRunning() + ",\"members\":" + grid.members().size() + ",\"tableVersion\":"
                + grid.topology().table().version() + "}"));
        if (Boolean.parseBoolean(a.getOrDefault("admin", "false"))) {
            AdminEndpoints.register(server, grid, Path.of(require(a, "journal-dir")));
        }
        server.start();

        // No shutdown hook of our own: SIGTERM is handled by the library's default hook (GridBuilder.shutdownHook),
        // which hands this member's partitions over before the JVM exits, so every graceful stop here tests it.
        log.info("CHAOS-MEMBER READY name={} grid={} http={} pid={}", name, gridPort, httpPort, ProcessHandle.current().pid());
        Thread.currentThread().join(); // until SIGTERM / SIGKILL
    }

    private static void startWatchdog(Map<String, String> a) {
        long parentPid = Long.parseLong(a.getOrDefault("parent-pid", "-1"));
        long maxLifetimeNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(a.getOrDefault("max-lifetime", "900")));
        long started = System.nanoTime();
        java.util.concurrent.ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "parent-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(() -> {
            boolean orphan = parentPid > 0 && !ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false);
            boolean expired = System.nanoTime() - started > maxLifetimeNanos;
            if (orphan || expired) {
                System.err.println("chaos member halting: " + (orphan ? "parent " + parentPid + " is gone" : "max lifetime reached"));
                Runtime.getRuntime().halt(3);
            }
        }, 500, 500, TimeUnit.MILLISECONDS);
    }

    private static void kv(HttpExchange ex, TesseraGrid grid) throws IOException {
        String[] parts = ex.getRequestURI().getPath().split("/", 4); // "", "kv", map, key
        if (parts.length < 4 || parts[2].isEmpty() || parts[3].isEmpty()) {
            reply(ex, 400, "use /kv/{map}/{key}");
            return;
        }
        try {
            GridMap<String, String> map = grid.map(parts[2]);
            switch (ex.getRequestMethod()) {
                case "GET" -> {
                    String v = map.get(parts[3]);
                    reply(ex, v == null ? 404 : 200, v == null ? "" : v);
                }
                case "PUT" -> {
                    map.set(parts[3], new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                    reply(ex, 204, "");
                }
                case "DELETE" -> {
                    map.delete(parts[3]);
                    reply(ex, 204, "");
                }
                default -> reply(ex, 405, "GET, PUT or DELETE");
            }
        } catch (RuntimeException e) {
            reply(ex, 503, e.toString());
        }
    }

    private static void reply(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(b);
            }
        } else {
            ex.close();
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --flag value pairs, got " + Arrays.toString(args));
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }

    private static String require(Map<String, String> a, String flag) {
        String v = a.get(flag);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + flag);
        }
        return v;
    }
}
