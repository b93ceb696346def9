package dev.tessera.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.demo.admin.AdminEndpoints;
import dev.tessera.grid.testkit.PausableFaults;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A demo cluster driven by demo/cluster.sh itself (the verbs the runbook's drills use), on free loopback ports and
 * in its own run directory, with the reactor's build (TESSERA_NO_BUILD: the script never runs Maven here), and with
 * the members' migrations throttled to 2 MiB/s each, so a rebuild after a kill lasts seconds (RealPrometheusTest).
 * {@link #close()} runs {@code down}, which ends exactly the members and the Prometheus it started. The test kit's
 * fault verbs, by member name ({@code m1}, ...): crash, leave, pause and resume are cluster.sh's kill, stop, pause and
 * resume; isolate, split and heal go to the members' {@code /admin/isolate} and {@code /admin/heal} (the members run
 * with the test-only admin endpoints, as the chaos tests' do).
 */
final class DemoCluster implements AutoCloseable, PausableFaults<String> {
    private static final Logger log = LoggerFactory.getLogger(DemoCluster.class);

    final int gridBase;
    final int httpBase;
    final int prometheusPort;
    private final Path runDir;
    private final Map<String, String> env;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Set<String> gone = ConcurrentHashMap.newKeySet();
    private final Set<String> paused = ConcurrentHashMap.newKeySet();
    private volatile int started;

    private DemoCluster(Path runDir) throws IOException {
        this.runDir = runDir;
        int base = freeBase();
        gridBase = base;
        httpBase = base + 40;
        prometheusPort = base + 90;
        env = Map.of("TESSERA_RUN_DIR", runDir.toString(), "TESSERA_GRID_BASE", String.valueOf(gridBase),
                "TESSERA_HTTP_BASE", String.valueOf(httpBase), "TESSERA_PROM_PORT", String.valueOf(prometheusPort),
                "TESSERA_NO_BUILD", "1", "TESSERA_SAMPLE", "2000",
                // the heap for the replica drill's 48 MB, and a throttled rebuild (RealPrometheusTest)
                "TESSERA_JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dtessera.demo.migrationRate=2097152"
                        + " -D" + AdminEndpoints.ENABLE_PROPERTY + "=true");
    }

    static DemoCluster start(int members) throws Exception {
        DemoCluster cluster = new DemoCluster(Files.createTempDirectory("tessera-ops-run"));
        try {
            cluster.verb(300, "start", String.valueOf(members));
            cluster.started = members;
            return cluster;
        } catch (Throwable t) {
            cluster.close();
            throw t;
        }
    }

    int httpPort(int member) {
        return httpBase + member;
    }

    String verb(long timeoutSeconds, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = Repo.path("demo/cluster.sh").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Tools.Result r = Tools.run(Repo.root(), env, timeoutSeconds, command);
        log.info("cluster.sh {} -> {}\n{}", String.join(" ", args), r.exitCode(), r.output());
        assertThat(r.exitCode()).as("demo/cluster.sh %s:\n%s\n(member logs in %s)", String.join(" ", args), r.output(), runDir).isZero();
        return r.output();
    }

    @Override
    public void crash(String member) {
        run(30, "kill", member);
        gone.add(member);
    }

    @Override
    public void leave(String member) {
        run(150, "stop", member);
        gone.add(member);
    }

    @Override
    public void pause(String member) {
        run(30, "pause", member);
        paused.add(member);
    }

    @Override
    public void resume(String member) {
        run(30, "resume", member);
        paused.remove(member);
    }

    @Override
    public void isolate(String member, Collection<String> from) {
        admin(member, "/admin/isolate?members=" + String.join(",", from));
    }

    @Override
    public void split(List<? extends Collection<String>> sides) {
        for (Collection<String> side : sides) {
            List<String> others = new ArrayList<>();
            for (Collection<String> other : sides) {
                if (other != side) {
                    others.addAll(other);
                }
            }
            side.forEach(m -> isolate(m, others));
        }
    }

    /** Heals every member started and neither crashed, stopped nor paused. */
    @Override
    public void heal() {
        for (int i = 1; i <= started; i++) {
            String m = "m" + i;
            if (!gone.contains(m) && !paused.contains(m)) {
                admin(m, "/admin/heal");
            }
        }
    }

    /** {@link #verb} for the fault verbs, which declare no checked exception. */
    private void run(long timeoutSeconds, String... args) {
        try {
            verb(timeoutSeconds, args);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: cluster.sh " + String.join(" ", args), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cluster.sh " + String.join(" ", args) + " failed: " + e, e);
        }
    }

    private void admin(String member, String path) {
        if (!member.matches("m[1-9]")) {
            throw new IllegalArgumentException("a demo member is named m1..m9, was '" + member + "'");
        }
        URI uri = URI.create("http://127.0.0.1:" + httpPort(Integer.parseInt(member.substring(1))) + path);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("POST %s on %s: %s", path, member, r.body()).isEqualTo(200);
        } catch (IOException e) {
            throw new IllegalStateException("POST " + path + " on " + member + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: POST " + path + " on " + member, e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            verb(60, "down");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the demo cluster", e);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot stop the demo cluster: " + e, e);
        }
    }

    /** A base port such that grid ports base+1..9, HTTP ports base+41..49 and base+90 are free on 127.0.0.1. */
    private static int freeBase() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20_000 + 100 * ThreadLocalRandom.current().nextInt(200);
            if (free(loopback, base + 1, base + 9) && free(loopback, base + 41, base + 49) && free(loopback, base + 90, base + 90)) {
                return base;
            }
        }
        throw new IOException("no free block of loopback ports found in 20000-39999");
    }

    private static boolean free(InetAddress address, int from, int to) {
        for (int port = from; port <= to; port++) {
            try (ServerSocket s = new ServerSocket(port, 1, address)) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
