package dev.tessera.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.Grid;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Attacks on a member's HTTP server, over real loopback sockets: a DNS-rebinding page (foreign Host or Origin),
 * oversized and slowly sent bodies, GETs of map names nobody wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpHardeningTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private MemberApp.Running member;

    @BeforeAll
    void start() throws IOException {
        int grid = freePort();
        member = MemberApp.start(MemberApp.Options.of("h1", grid, 0, List.of("127.0.0.1[" + grid + "]"))
                .withCluster("demo-hardening-" + UUID.randomUUID().toString().substring(0, 8)).withMaxMaps(8));
    }

    @AfterAll
    void stop() {
        if (member != null) {
            member.close();
        }
    }

    // ---- DNS rebinding

    @Test
    void requestsForAnotherHostAreRefused() throws Exception {
        int port = member.httpPort();
        assertThat(raw("GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")).startsWith("HTTP/1.1 200");
        assertThat(raw("GET /api/ping HTTP/1.1\r\nHost: localhost:" + port + "\r\n\r\n")).startsWith("HTTP/1.1 200");
        assertThat(raw("GET /api/ping HTTP/1.1\r\nHost: [::1]:" + port + "\r\n\r\n")).startsWith("HTTP/1.1 200");

        // a rebound name, a loopback name on another port, no Host at all: refused
        String rebound = raw("GET /api/ping HTTP/1.1\r\nHost: attacker.example:" + port + "\r\n\r\n");
        assertThat(rebound).startsWith("HTTP/1.1 403").contains("attacker.example");
        assertThat(raw("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + (port + 1) + "\r\n\r\n")).startsWith("HTTP/1.1 403");
        assertThat(raw("GET /api/status HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 403");
        assertThat(raw("GET /kv/orders/k HTTP/1.1\r\nHost: 127.0.0.1.attacker.example:" + port + "\r\n\r\n"))
                .startsWith("HTTP/1.1 403");
    }

    @Test
    void writesFromAForeignOriginAreRefusedAndChangeNothing() throws Exception {
        int port = member.httpPort();
        String put = raw("PUT /kv/origin-test/k HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: http://attacker.example"
                + "\r\nContent-Length: 4\r\n\r\nevil");
        assertThat(put).startsWith("HTTP/1.1 403").contains("Origin");
        assertThat(raw("PUT /kv/origin-test/k HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: null"
                + "\r\nContent-Length: 4\r\n\r\nevil")).startsWith("HTTP/1.1 403");
        assertThat(send("GET", "/kv/origin-test/k", null).statusCode()).isEqualTo(404);

        // the member's own page (same origin) may write
        assertThat(raw("PUT /kv/origin-test/k HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: http://127.0.0.1:" + port
                + "\r\nContent-Length: 2\r\n\r\nok")).startsWith("HTTP/1.1 201");
    }

    // ---- bodies and slow clients

    @Test
    void aBodyDeclaredOverOneMebibyteIsRefusedBeforeItIsSent() throws Exception {
        try (Socket s = socket()) {
            s.getOutputStream().write(("PUT /kv/big/k HTTP/1.1\r\nHost: 127.0.0.1:" + member.httpPort()
                    + "\r\nContent-Length: " + (100L << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            // nothing of the 100 MiB was sent: the answer comes from the header alone
            assertThat(readAll(s.getInputStream())).startsWith("HTTP/1.1 413").contains("at most " + HttpLimits.MAX_BODY_BYTES);
        }
        assertThat(send("GET", "/kv/big/k", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aClientSendingOneBytePerSecondIsCutOffAndDoesNotDelayOthers() throws Exception {
        long deadlineSeconds = Long.parseLong(HttpLimits.current().get(HttpLimits.MAX_REQ_TIME));
        ScheduledExecutorService slow = Executors.newSingleThreadScheduledExecutor();
        try (Socket s = socket()) {
            OutputStream out = s.getOutputStream();
            out.write(("PUT /kv/slow/k HTTP/1.1\r\nHost: 127.0.0.1:" + member.httpPort() + "\r\nContent-Length: 100\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long t0 = System.nanoTime();
            ScheduledFuture<?> dripping = slow.scheduleAtFixedRate(() -> { // the attack: one byte a second
                try {
                    out.write('x');
                    out.flush();
                } catch (IOException cutOff) {
                    throw new UncheckedIOException(cutOff); // cut off by the server: expected, ends the drip
                }
            }, 0, 1, TimeUnit.SECONDS);
            // meanwhile, other requests are answered at once
            for (int i = 0; i < 5; i++) {
                long r0 = System.nanoTime();
                assertThat(send("GET", "/api/ping", null).statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - r0)).isLessThan(Duration.ofSeconds(2));
            }
            // and the slow request is closed once the request deadline has passed, long before its 100 s
            s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(deadlineSeconds + 10));
            assertThat(readUntilClosed(s.getInputStream())).doesNotContain("201");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(deadlineSeconds + 5));
            dripping.cancel(true);
        } finally {
            slow.shutdownNow();
        }
        assertThat(send("GET", "/kv/slow/k", null).statusCode()).isEqualTo(404);
    }

    @Test
    void manySlowClientsAtOnceDoNotDelayOthers() throws Exception {
        List<Socket> slowloris = new ArrayList<>();
        try {
            // each holds a handler thread while it sends its request line a byte at a time: more than the 32 threads
            // the demo had, a few fewer than the connection slots (this test's client may keep some open)
            for (int i = 0; i < HttpLimits.handlerThreads() - 8; i++) {
                Socket s = socket();
                s.getOutputStream().write('G');
                s.getOutputStream().flush();
                slowloris.add(s);
            }
            int holding = slowloris.size();
            await("every slow client holds a handler thread").atMost(Duration.ofSeconds(10))
                    .until(() -> member.busyHandlerThreads() >= holding);
            long t0 = System.nanoTime();
            assertThat(raw("GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1:" + member.httpPort() + "\r\n\r\n"))
                    .startsWith("HTTP/1.1 200");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        } finally {
            for (Socket s : slowloris) {
                s.close();
            }
        }
    }

    // ---- map names

    @Test
    void getsOfMapsNobodyWroteCreateNothing() throws Exception {
        for (int i = 0; i < 50; i++) {
            assertThat(send("GET", "/kv/never-" + i + "/k", null).statusCode()).isEqualTo(404);
            assertThat(send("DELETE", "/kv/never-del-" + i + "/k", null).statusCode()).isEqualTo(404);
        }
        assertThat(send("GET", "/kv/__not_the_demos/k", null).statusCode()).isEqualTo(404);
        assertThat(member.grid().introspection().localMapStats().keySet())
                .noneMatch(n -> n.startsWith("never-") || n.startsWith("__not"));

        // a map that was written is found, through the registry, by a member that never opened it
        assertThat(send("PUT", "/kv/written/k", "v").statusCode()).isEqualTo(201);
        assertThat(send("GET", "/kv/written/k", null).body()).isEqualTo("v");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(send("GET", "/kv/__demo_status/h1", null).statusCode()).isEqualTo(200));
    }

    @Test
    void theRegistryNeverOpensAMapItOnlyLooksUp() {
        List<String> opened = new CopyOnWriteArrayList<>();
        Grid real = member.grid();
        Grid recording = (Grid) Proxy.newProxyInstance(Grid.class.getClassLoader(), new Class<?>[] {Grid.class}, (p, m, args) -> {
            if (m.getName().equals("map")) {
                opened.add((String) args[0]);
            }
            try {
                return m.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
        MapRegistry registry = new MapRegistry(recording, "h1", 5, Set.of());
        assertThat(registry.existing("nobody-wrote-this")).isNull();
        assertThat(opened).containsExactly(MapRegistry.REGISTRY_MAP);
    }

    @Test
    @Order(Integer.MAX_VALUE) // fills the member's quota of maps: last
    void mapNamesAreValidatedAndTheirNumberBounded() throws Exception {
        HttpResponse<String> tooLong = send("GET", "/kv/" + "m".repeat(101) + "/k", null);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("1-100 letters");
        assertThat(send("PUT", "/kv/bad%20name/k", "v").statusCode()).isEqualTo(400);

        // this member allows 8 maps (the registry's count is cluster-wide); the other tests wrote at most 2
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            statuses.add(send("PUT", "/kv/many-" + i + "/k", "v").statusCode());
        }
        assertThat(statuses).contains(409);
        HttpResponse<String> refused = send("PUT", "/kv/one-too-many/k", "v");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("at most 8", "--max-maps");
        assertThat(member.grid().introspection().localMapStats().keySet()).doesNotContain("one-too-many");
    }

    // ---- helpers

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + member.httpPort() + path))
                .timeout(Duration.ofSeconds(15)).method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Socket socket() throws IOException {
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), member.httpPort());
        s.setSoTimeout(15_000);
        return s;
    }

    /** Sends a raw request (closing the connection after the answer) and returns the answer. */
    private String raw(String request) throws IOException {
        String r = request.replaceFirst("\r\n\r\n", "\r\nConnection: close\r\n\r\n");
        try (Socket s = socket()) {
            s.getOutputStream().write(r.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            return readAll(s.getInputStream());
        }
    }

    /** Reads the status line, headers and the body of one answer with a Content-Length. */
    private static String readAll(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while (!sb.toString().contains("\r\n\r\n") && (c = in.read()) >= 0) {
            sb.append((char) c);
        }
        String head = sb.toString().toLowerCase();
        int at = head.indexOf("content-length:");
        if (at >= 0) {
            int length = Integer.parseInt(head.substring(at + 15, head.indexOf("\r\n", at)).trim());
            sb.append(new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** Everything until the server closes the connection (a reset counts as closed). */
    private static String readUntilClosed(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        try {
            int c;
            while ((c = in.read()) >= 0) {
                sb.append((char) c);
            }
        } catch (SocketException reset) {
            // closed by the server
        }
        return sb.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
