package dev.tessera.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.testkit.GridInvariants;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A member that leaves stays on the others' status as "left", with its last figures, and the table moves to the
 * survivors. The grid's invariants ({@link GridInvariants#assertHold}) hold over both members before, with entries in
 * a map with one backup, and over the survivor after.
 */
class MemberDepartureTest {
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void aDepartedMemberIsShownLeftAndOwnsNoPartitions() throws Exception {
        int gridA;
        int gridB;
        try (ServerSocket s1 = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             ServerSocket s2 = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            gridA = s1.getLocalPort();
            gridB = s2.getLocalPort();
        }
        List<String> peers = List.of("127.0.0.1[" + gridA + "]", "127.0.0.1[" + gridB + "]");
        String cluster = "demo-test-" + UUID.randomUUID().toString().substring(0, 8);
        MemberApp.Running a = null;
        MemberApp.Running b = null;
        try {
            a = MemberApp.start(MemberApp.Options.of("d1", gridA, 0, peers).withCluster(cluster));
            b = MemberApp.start(MemberApp.Options.of("d2", gridB, 0, peers).withCluster(cluster));
            MemberApp.Running first = a;
            int secondHttp = b.httpPort();
            // d1 has read d2's report (published through the grid map) before d2 goes
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> status(first).matches("(?s).*\\{\"name\":\"d2\",[^}]*\"httpPort\":" + secondHttp + "[,}].*"));
            GridMap<Integer, String> orders = a.grid().map("orders"); // one backup, as the demo's maps keep
            for (int i = 0; i < 200; i++) {
                orders.set(i, "v" + i);
            }
            GridInvariants.assertHold(List.of(a.grid(), b.grid()), SETTLE);
            b.close();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                String json = status(first);
                assertThat(json).contains("\"name\":\"d2\"");
                assertThat(json).containsPattern("\\{\"name\":\"d2\",[^}]*\"alive\":false,\"state\":\"left\"");
                assertThat(json).containsPattern("\\{\"name\":\"d1\",[^}]*\"alive\":true");
                assertThat(json).doesNotContain("\"primary\":\"d2\"");
                assertThat(json).contains("\"type\":\"left\"");
            });
            GridInvariants.assertHold(List.of(a.grid()), SETTLE);
            assertThat(orders.size()).as("entries after d2 left").isEqualTo(200);
        } finally {
            try {
                if (b != null) {
                    b.close();
                }
            } finally {
                if (a != null) {
                    a.close();
                }
            }
        }
    }

    private String status(MemberApp.Running member) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + member.httpPort() + "/api/status"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
