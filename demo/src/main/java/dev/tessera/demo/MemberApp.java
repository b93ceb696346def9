package dev.tessera.demo;

import dev.tessera.grid.micrometer.TesseraMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import com.sun.net.httpserver.HttpServer;
import dev.tessera.demo.admin.AdminEndpoints;
import dev.tessera.grid.Grid;
import dev.tessera.grid.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One instance of a microservice that embeds a Tessera member: one JVM, one grid member on TCP
 * loopback, and a small HTTP endpoint on 127.0.0.1 with a key/value API and the status page.
 *
 * <pre>
 * java -cp 'demo/target/demo-0.1.0-SNAPSHOT.jar:demo/target/lib/*' dev.tessera.demo.MemberApp \
 *     --name m1 --grid-port 7801 --http-port 8081 --peers '127.0.0.1[7801],127.0.0.1[7802],127.0.0.1[7803]'
 * </pre>
 *
 * SIGTERM (and Ctrl-C) leave gracefully: the member hands its partitions over, then exits.
 *
 * <p>The HTTP server listens on 127.0.0.1 only, answers only requests addressed to that loopback address
 * ({@link LoopbackOnly}), and bounds bodies and read times ({@link HttpLimits}). The test-only {@code /admin/}
 * endpoints ({@link AdminEndpoints}) exist only with {@code --admin} (or {@code -Dtessera.demo.admin=true}).
 */
public final class MemberApp {
    private MemberApp() {}

    /** Maps the HTTP API creates by default, and the most {@code --max-maps} allows. */
    static final int DEFAULT_MAX_MAPS = 256;
    static final int MAX_MAPS_LIMIT = 10_000;

    /**
     * How to start a member.
     *
     * @param name      member name, unique in the cluster
     * @param gridPort  TCP port of the grid transport on 127.0.0.1 (exactly this port)
     * @param httpPort  HTTP port on 127.0.0.1; 0 picks a free one
     * @param peers     TCP discovery list, {@code host[port]} entries (may include this member)
     * @param zone      failure zone, or {@code null}
     * @param cluster   cluster name
     * @param fdTimeout failure-detection timeout
     * @param admin     serve the test-only {@code /admin/} endpoints (fault injection, workloads, bulk data)
     * @param maxMaps   most maps the HTTP API creates (409 beyond)
     */
    public record Options(String name, int gridPort, int httpPort, List<String> peers, String zone, String cluster,
                          Duration fdTimeout, boolean admin, int maxMaps) {
        public Options {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("--name is required (e.g. --name m1)");
            }
            if (gridPort < 1 || gridPort > 65535) {
                throw new IllegalArgumentException("--grid-port must be 1..65535 (e.g. --grid-port 7801), was " + gridPort);
            }
            if (httpPort < 0 || httpPort > 65535) {
                throw new IllegalArgumentException("--http-port must be 0..65535 (e.g. --http-port 8081), was " + httpPort);
            }
            peers = List.copyOf(peers == null || peers.isEmpty() ? List.of("127.0.0.1[" + gridPort + "]") : peers);
            for (String p : peers) {
                if (!p.matches("[^\\[\\],\\s]+\\[\\d{1,5}]")) {
                    throw new IllegalArgumentException("--peers entries must look like 127.0.0.1[7801], was '" + p + "'");
                }
            }
            if (cluster == null || cluster.isBlank()) {
                cluster = "demo";
            }
            if (fdTimeout == null) {
                fdTimeout = Duration.ofSeconds(3);
            }
            if (fdTimeout.isNegative() || fdTimeout.isZero()) {
                throw new IllegalArgumentException("--fd-timeout must be positive, was " + fdTimeout);
            }
            if (zone != null && zone.isBlank()) {
                zone = null;
            }
            if (maxMaps < 1 || maxMaps > MAX_MAPS_LIMIT) {
                throw new IllegalArgumentException("--max-maps must be 1.." + MAX_MAPS_LIMIT + ", was " + maxMaps);
            }
        }

        /** Options with defaults for everything but name and ports (no admin endpoints). */
        public static Options of(String name, int gridPort, int httpPort, List<String> peers) {
            return new Options(name, gridPort, httpPort, peers, null, "demo", Duration.ofSeconds(3), false, DEFAULT_MAX_MAPS);
        }

        public Options withCluster(String c) {
            return new Options(name, gridPort, httpPort, peers, zone, c, fdTimeout, admin, maxMaps);
        }

        public Options withFdTimeout(Duration d) {
            return new Options(name, gridPort, httpPort, peers, zone, cluster, d, admin, maxMaps);
        }

        public Options withAdmin(boolean on) {
            return new Options(name, gridPort, httpPort, peers, zone, cluster, fdTimeout, on, maxMaps);
        }

        public Options withMaxMaps(int n) {
            return new Options(name, gridPort, httpPort, peers, zone, cluster, fdTimeout, admin, n);
        }

        /** Parses command-line flags; throws {@link IllegalArgumentException} with a usage hint on bad input. */
        public static Options parse(String[] args) {
            String name = null;
            String zone = null;
            String cluster = "demo";
            Integer gridPort = null;
            int httpPort = 8080;
            List<String> peers = new ArrayList<>();
            Duration fd = Duration.ofSeconds(3);
            boolean admin = Boolean.getBoolean(AdminEndpoints.ENABLE_PROPERTY);
            int maxMaps = DEFAULT_MAX_MAPS;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                String value;
                int eq = flag.indexOf('=');
                if (flag.equals("--admin")) {
                    admin = true;
                    continue;
                } else if (flag.startsWith("--") && eq > 0) {
                    value = flag.substring(eq + 1);
                    flag = flag.substring(0, eq);
                } else if (flag.equals("--help") || flag.equals("-h")) {
                    throw new IllegalArgumentException("");
                } else {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("missing value after " + flag);
                    }
                    value = args[++i];
                }
                switch (flag) {
                    case "--name" -> name = value;
                    case "--grid-port" -> gridPort = port(flag, value);
                    case "--http-port" -> httpPort = port(flag, value);
                    case "--peers" -> Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(peers::add);
                    case "--zone" -> zone = value;
                    case "--cluster" -> cluster = value;
                    case "--fd-timeout" -> fd = duration(value);
                    case "--max-maps" -> maxMaps = count(flag, value);
                    default -> throw new IllegalArgumentException("unknown flag " + flag);
                }
            }
            if (gridPort == null) {
                throw new IllegalArgumentException("--grid-port is required (e.g. --grid-port 7801)");
            }
            return new Options(name, gridPort, httpPort, peers, zone, cluster, fd, admin, maxMaps);
        }

        private static int port(String flag, String value) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " must be a port number, was '" + value + "'");
            }
        }

        private static int count(String flag, String value) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " must be a number, was '" + value + "'");
            }
        }

        /** {@code 3s}, {@code 1500ms}, {@code 2m}, a bare number of seconds, or ISO-8601 ({@code PT3S}). */
        static Duration duration(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                } else if (v.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
                } else if (v.endsWith("m") && !v.startsWith("p")) {
                    return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
                } else if (v.startsWith("p")) {
                    return Duration.parse(value.trim());
                }
                return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new IllegalArgumentException("--fd-timeout must be a duration like 3s or 1500ms, was '" + value + "'");
            }
        }
    }

    /** A started member: the grid, its HTTP server and its status board. {@link #close()} leaves gracefully. */
    public static final class Running implements AutoCloseable {
        private final Options options;
        private final Grid grid;
        private final HttpServer server;
        private final ExecutorService httpThreads;
        private final StatusBoard board;
        private final TesseraMetrics metrics;
        private final CountDownLatch closed = new CountDownLatch(1);

        private Running(Options options, Grid grid, HttpServer server, ExecutorService httpThreads, StatusBoard board,
                        TesseraMetrics metrics) {
            this.metrics = metrics;
            this.options = options;
            this.grid = grid;
            this.server = server;
            this.httpThreads = httpThreads;
            this.board = board;
        }

        public Options options() {
            return options;
        }

        public Grid grid() {
            return grid;
        }

        public int httpPort() {
            return server.getAddress().getPort();
        }

        /** HTTP handler threads busy with a request right now (for tests of the server's limits). */
        int busyHandlerThreads() {
            return httpThreads instanceof ThreadPoolExecutor pool ? pool.getActiveCount() : 0;
        }

        /** The status page, e.g. {@code http://127.0.0.1:8081/}. */
        public String url() {
            return "http://127.0.0.1:" + httpPort() + "/";
        }

        /** Blocks until {@link #close()} has finished. */
        public void awaitClosed() throws InterruptedException {
            closed.await();
        }

        /** Stops serving HTTP, then leaves the cluster gracefully (hands partitions over). Idempotent. */
        @Override
        public synchronized void close() {
            if (closed.getCount() == 0) {
                return;
            }
            try {
                board.record("leaving", options.name() + " is leaving gracefully: handing its partitions over");
                board.announceLeaving(); // the others tell "left" from "crashed" by it
                server.stop(0);
                httpThreads.shutdownNow();
                board.close();
                metrics.close();
                grid.close();
                System.out.println("[" + options.name() + "] left the cluster");
            } finally {
                closed.countDown();
            }
        }
    }

    /** Starts a member: joins the grid, then serves HTTP. */
    public static Running start(Options options) {
        HttpLimits.apply();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), options.httpPort()), 64);
        } catch (BindException e) {
            throw new IllegalStateException("HTTP port " + options.httpPort() + " on 127.0.0.1 is already in use (another member"
                    + " or program); pick another --http-port", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Grid grid;
        try {
            grid = Grid.builder().clusterName(options.cluster()).memberName(options.name()).zone(options.zone())
                    .transport(Transport.tcp(options.gridPort()).withPortRange(0).withInitialMembers(options.peers()))
                    .failureDetectionTimeout(options.fdTimeout()).migrationRateLimit(migrationRateLimit()).start();
        } catch (RuntimeException e) {
            server.stop(0);
            throw e;
        }
        AtomicInteger threadNo = new AtomicInteger();
        int threads = HttpLimits.handlerThreads();
        ThreadPoolExecutor httpThreads = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "demo-" + options.name() + "-http-" + threadNo.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        httpThreads.allowCoreThreadTimeOut(true);
        StatusBoard board;
        TesseraMetrics metrics = new TesseraMetrics(grid);
        try {
            board = new StatusBoard(grid, options, server.getAddress().getPort());
            MapRegistry maps = new MapRegistry(grid, options.name(), options.maxMaps(), Set.of(StatusBoard.STATUS_MAP));
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            metrics.bindTo(registry);
            // the heap alert and dashboard panel read jvm_memory_usage_after_gc (docs/monitoring)
            new JvmHeapPressureMetrics(Tags.of("cluster", options.cluster(), "member", options.name()),
                    Duration.ofMinutes(5), Duration.ofMinutes(1)).bindTo(registry);
            new HttpApi(grid, board, maps, options.name(), registry::scrape)
                    .register(server, new LoopbackOnly(server.getAddress().getPort()));
            if (options.admin()) {
                // test-only fault injection; its journal (if a workload asks for one) goes to the working directory
                AdminEndpoints.register(server, grid, Path.of(""));
                System.out.println("[" + options.name() + "] admin endpoints ON (/admin/*, for tests only)");
            }
            server.setExecutor(httpThreads);
            server.start();
        } catch (RuntimeException e) {
            server.stop(0);
            httpThreads.shutdownNow();
            metrics.close();
            grid.close();
            throw e;
        }
        return new Running(options, grid, server, httpThreads, board, metrics);
    }

    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.println("usage: MemberApp --name NAME --grid-port PORT [--http-port PORT (8080)]"
                    + " [--peers '127.0.0.1[7801],127.0.0.1[7802]'] [--zone ZONE] [--cluster NAME (demo)] [--fd-timeout 3s]"
                    + " [--max-maps N (" + DEFAULT_MAX_MAPS + ")] [--admin (test-only /admin/* endpoints)]");
            System.exit(2);
            return;
        }
        System.out.println("[" + options.name() + "] starting: cluster '" + options.cluster() + "', grid 127.0.0.1:"
                + options.gridPort() + ", peers " + options.peers());
        Running running;
        try {
            running = start(options);
        } catch (RuntimeException e) {
            System.err.println("[" + options.name() + "] could not start: " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause() + ")" : ""));
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "demo-" + options.name() + "-shutdown"));
        System.out.println("[" + options.name() + "] up: " + running.grid().members().size() + " members, status page "
                + running.url() + " , pid " + ProcessHandle.current().pid());
        running.awaitClosed();
    }

    /** Property: the member's migration rate limit in bytes per second ({@code GridBuilder#migrationRateLimit}); unset: none. */
    public static final String MIGRATION_RATE_PROPERTY = "tessera.demo.migrationRate";

    /**
     * The migration rate limit from {@link #MIGRATION_RATE_PROPERTY}: a failure drill slows a rebuild down with it so
     * that it can be watched (and scraped), as an operator would throttle a large rebalance.
     */
    static long migrationRateLimit() {
        String v = System.getProperty(MIGRATION_RATE_PROPERTY);
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + MIGRATION_RATE_PROPERTY + " must be bytes per second (e.g. 2097152), was '" + v + "'", e);
        }
    }
}
