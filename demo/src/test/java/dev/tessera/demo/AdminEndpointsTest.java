package dev.tessera.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.demo.admin.AdminEndpoints;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The test-only {@code /admin/} endpoints: absent without the flag; with it, no file paths and bounded inputs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminEndpointsTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private MemberApp.Running plain;
    private MemberApp.Running admin;

    @BeforeAll
    void start() throws IOException {
        plain = single("p1", false);
        admin = single("x1", true);
    }

    @AfterAll
    void stop() {
        try {
            if (admin != null) {
                admin.close();
            }
        } finally {
            if (plain != null) {
                plain.close();
            }
        }
    }

    @Test
    void withoutTheFlagThereIsNoAdminEndpoint() throws Exception {
        for (String path : List.of("/admin/health", "/admin/workload/stats", "/admin/read?map=m&keys=1")) {
            assertThat(send(plain, "GET", path).statusCode()).as(path).isEqualTo(404);
        }
        for (String path : List.of("/admin/isolate?members=x1", "/admin/heal", "/admin/workload/start?map=w",
                "/admin/preload?map=bulk&count=10")) {
            assertThat(send(plain, "POST", path).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(plain.grid().introspection().localMapStats()).doesNotContainKeys("w", "bulk");
        assertThat(send(admin, "GET", "/admin/health").statusCode()).isEqualTo(200);
    }

    @Test
    void theFlagIsExplicit() {
        String[] base = {"--name", "m1", "--grid-port", "7801"};
        assertThat(MemberApp.Options.parse(base).admin()).isFalse();
        assertThat(MemberApp.Options.parse(new String[] {"--name", "m1", "--admin", "--grid-port", "7801"}).admin()).isTrue();
        assertThat(MemberApp.Options.of("m1", 7801, 0, List.of()).admin()).isFalse();
    }

    @Test
    void aWorkloadTakesNoFilePath(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("written-by-request");
        HttpResponse<String> r = send(admin, "POST", "/admin/workload/start?map=w&threads=1&keys=2&rate=1&journal="
                + target.toString().replace("/", "%2F"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("journal must be true or false");
        assertThat(target).doesNotExist();
        assertThat(Files.list(dir)).isEmpty();
    }

    @Test
    void adminInputsAreBounded() throws Exception {
        assertBad("POST", "/admin/workload/start?map=w&threads=100000", "threads must be 1..16");
        assertBad("POST", "/admin/workload/start?map=w&keys=0", "keys must be 1..100000");
        assertBad("POST", "/admin/workload/start?map=w&rate=1e12", "rate must be");
        assertBad("POST", "/admin/workload/start?map=w&readPercent=101", "readPercent must be 0..100");
        assertBad("POST", "/admin/workload/start?map=bad%2Fname", "bad map name");
        assertBad("POST", "/admin/preload?map=bulk&count=1000000000000", "count must be 1..1000000");
        assertBad("POST", "/admin/preload?map=bulk&count=10&valueBytes=1000000000", "valueBytes must be 1..65536");
        assertBad("POST", "/admin/preload?map=bulk&count=1000000&valueBytes=65536", "count * valueBytes");
        assertBad("POST", "/admin/preload?map=bulk&count=10&batch=0", "batch must be 1..10000");
        assertBad("POST", "/admin/preload?map=bulk&count=10&from=-5", "from must be 0..");
        assertBad("POST", "/admin/preload?map=bulk", "missing query parameter 'count'");
        assertBad("GET", "/admin/verify-preload?map=bulk&count=99999999999", "count must be");
        assertBad("GET", "/admin/read?map=r&keys=2000000000", "keys must be 1..100000");
        assertBad("GET", "/admin/read?map=r&keys=1&backups=99", "backups must be 0..6");
        assertBad("POST", "/admin/isolate?members=" + "a,".repeat(100), "at most 64 names");
        assertBad("POST", "/admin/workload/stop?waitMillis=99999999", "waitMillis must be 0..120000");
        // none of the refused requests opened a map
        assertThat(admin.grid().introspection().localMapStats()).doesNotContainKeys("w", "bulk", "r");
    }

    @Test
    void adminRequestsForAnotherHostAreRefused() throws Exception {
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), admin.httpPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /admin/heal HTTP/1.1\r\nHost: rebound.example:" + admin.httpPort()
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 403");
        }
    }

    // ---- helpers

    private void assertBad(String method, String path, String reason) throws Exception {
        HttpResponse<String> r = send(admin, method, path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(400);
        assertThat(r.body()).as(path).contains(reason);
    }

    private HttpResponse<String> send(MemberApp.Running m, String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.httpPort() + path))
                .timeout(Duration.ofSeconds(15)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static MemberApp.Running single(String name, boolean withAdmin) throws IOException {
        int grid;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            grid = s.getLocalPort();
        }
        assertThat(Boolean.getBoolean(AdminEndpoints.ENABLE_PROPERTY)).isFalse();
        return MemberApp.start(MemberApp.Options.of(name, grid, 0, List.of("127.0.0.1[" + grid + "]"))
                .withCluster("demo-admin-" + UUID.randomUUID().toString().substring(0, 8)).withAdmin(withAdmin));
    }
}
