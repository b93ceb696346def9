package dev.tessera.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.GridInvariants;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The status page tells the truth (issue 15): a graceful leave reads "left" and a crash "crashed/unreachable";
 * departed members leave the cards after a while but stay in the departures; the headline counts live members;
 * figures come from one snapshot; per-member backups count the backups the maps keep; singular and plural;
 * {@code /metrics} serves the grid's meters. The grid's invariants ({@link GridInvariants#assertHold}) hold over the
 * running members once a test's own assertions passed, with entries in a map with one backup (the demo's maps').
 */
class StatusTruthTest {
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<MemberApp.Running> started = new ArrayList<>();
    private final long defaultCardMillis = StatusBoard.departedCardMillis;

    @AfterEach
    void stop() {
        StatusBoard.departedCardMillis = defaultCardMillis;
        for (MemberApp.Running r : started) {
            r.close();
        }
    }

    @Test
    void departures_leftVersusCrashed_cardsExpire_headlineCountsLiveMembers_andBackupsMeanTheMapsBackups() throws Exception {
        StatusBoard.departedCardMillis = 3_000;
        List<MemberApp.Running> m = startMembers(3);
        MemberApp.Running d1 = m.get(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String s = status(d1);
            return figure(s, "members") == 3 && figure(s, "migrating") == 0 && figure(s, "withoutBackup") == 0
                    && s.matches("(?s).*\"name\":\"d3\",[^}]*\"httpPort\".*");
        });
        String stable = status(d1);
        assertThat(figure(stable, "withBackupPercent")).isEqualTo(100);
        assertThat(number(stable, "backupsPerPartition")).isEqualTo(1); // the demo's maps keep one backup
        // with one backup each partition has one backup member: the members' "backups" add up to the partition count
        // (the table lists two backups per partition on three members; counting both read 181 per member)
        assertThat(sumOf(stable, "backups")).isEqualTo(number(stable, "partitionCount"));
        assertThat(sumOf(stable, "primaries")).isEqualTo(number(stable, "partitionCount"));
        GridMap<Integer, String> orders = d1.grid().map("orders");
        for (int i = 0; i < 300; i++) {
            orders.set(i, "v" + i);
        }
        assertInvariants(m);

        m.get(2).close(); // graceful
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String s = status(d1);
            assertThat(s).containsPattern("\"departures\":\\[[^\\]]*\\{\"name\":\"d3\",\"how\":\"left\"");
            assertThat(s).containsPattern("\\{\"name\":\"d3\",[^}]*\"alive\":false,\"state\":\"left\"");
            assertThat(figure(s, "members")).isEqualTo(2);
            assertThat(s).contains("d3 left gracefully");
        });

        ((TesseraGrid) m.get(1).grid()).simulateCrash(); // no goodbye
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String s = status(d1);
            assertThat(s).containsPattern("\\{\"name\":\"d2\",\"how\":\"crashed/unreachable\"");
            assertThat(s).containsPattern("\\{\"name\":\"d2\",[^}]*\"alive\":false,\"state\":\"crashed/unreachable\"");
            assertThat(figure(s, "members")).isEqualTo(1); // the live members only: not "1 / 3"
            assertThat(s).contains("d2 crashed or became unreachable");
        });

        // after a short while the departed leave the cards; the departures list keeps them
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String s = status(d1);
            String cards = section(s, "members");
            assertThat(cards).contains("\"name\":\"d1\"").doesNotContain("\"name\":\"d2\"", "\"name\":\"d3\"");
            String departures = section(s, "departures");
            assertThat(departures).contains("{\"name\":\"d2\",\"how\":\"crashed/unreachable\"", "{\"name\":\"d3\",\"how\":\"left\"");
        });
        String alone = status(d1);
        assertThat(alone).contains("1 member: d1").doesNotContainPattern("\\b1 (members|partitions|primaries)\\b");
        assertInvariants(List.of(d1)); // d3 handed its partitions over, d2's were promoted from their backups
    }

    @Test
    void clusterFigures_comeFromOneSnapshot_underWriteLoad() throws Exception {
        List<MemberApp.Running> m = startMembers(2);
        MemberApp.Running d1 = m.get(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> figure(status(d1), "members") == 2);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        GridMap<String, String> load = d1.grid().map("load");
        Thread writer = new Thread(() -> {
            while (writing.get()) {
                try {
                    load.set("k" + written.incrementAndGet(), "v");
                } catch (RuntimeException e) {
                    // a member joins meanwhile: a failed write is retried with the next key
                }
            }
        }, "status-truth-writer");
        writer.start();
        try {
            m.addAll(startMembers(1, m)); // partitions migrate while the writes go on
            int samples = 0;
            int stableSamples = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((samples < 30 || stableSamples < 5) && System.nanoTime() < deadline) {
                String s = status(d1);
                samples++;
                int migrating = figure(s, "migrating");
                // the figures, the partitions and the migrations list are the same table
                assertThat(count(s, "\"from\":\\[")).as(s).isEqualTo(migrating);
                assertThat(count(section(s, "partitions"), "\"to\":\\[")).as(s).isEqualTo(migrating);
                if (figure(s, "withoutBackup") == 0) {
                    assertThat(figure(s, "withBackupPercent")).as(s).isEqualTo(100);
                    stableSamples++;
                } else {
                    assertThat(figure(s, "withBackupPercent")).as(s).isLessThan(100);
                }
            }
            assertThat(stableSamples).isGreaterThanOrEqualTo(5);
            assertThat(written.get()).isPositive();
        } finally {
            writing.set(false);
            writer.join();
        }
        assertInvariants(m); // the writes during the migration reached every backup
    }

    @Test
    void metricsEndpoint_servesTheGridsMeters_inPrometheusText() throws Exception {
        List<MemberApp.Running> m = startMembers(2);
        MemberApp.Running d1 = m.get(0);
        String cluster = d1.options().cluster();
        await().atMost(Duration.ofSeconds(30)).until(() -> get(d1, "/metrics").body()
                .contains("tessera_members{cluster=\"" + cluster + "\",member=\"d1\"} 2.0"));
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d1.httpPort() + "/kv/orders/k1"))
                .PUT(HttpRequest.BodyPublishers.ofString("v1")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(201);
        HttpResponse<String> metrics = get(d1, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(metrics.body()).contains("tessera_map_puts_seconds_count{cluster=\"" + cluster + "\",map=\"orders\",member=\"d1\"} 1")
                .contains("tessera_partitions{", "tessera_table_version{", "tessera_partitions_underreplicated{");
        // each member serves its own meters
        assertThat(get(m.get(1), "/metrics").body()).contains("member=\"d2\"").doesNotContain("member=\"d1\"");
        GridMap<Integer, String> orders = d1.grid().map("orders");
        for (int i = 0; i < 100; i++) {
            orders.set(i, "v" + i);
        }
        assertInvariants(m);
    }

    @Test
    void plural_saysOneOrMany() {
        assertThat(StatusBoard.plural(1, "partition", "partitions")).isEqualTo("1 partition");
        assertThat(StatusBoard.plural(0, "partition", "partitions")).isEqualTo("0 partitions");
        assertThat(StatusBoard.plural(2, "primary", "primaries")).isEqualTo("2 primaries");
    }

    // ---- helpers ----

    private static void assertInvariants(List<MemberApp.Running> running) {
        List<Grid> grids = running.stream().map(MemberApp.Running::grid).toList();
        GridInvariants.assertHold(grids, SETTLE);
    }

    private List<MemberApp.Running> startMembers(int n) throws Exception {
        return startMembers(n, List.of());
    }

    /** Starts {@code n} more members of the cluster of {@code existing} (or of a new one). */
    private List<MemberApp.Running> startMembers(int n, List<MemberApp.Running> existing) throws Exception {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                ports.add(s.getLocalPort());
            }
        }
        List<String> peers = new ArrayList<>();
        for (MemberApp.Running r : existing) {
            peers.add("127.0.0.1[" + r.options().gridPort() + "]");
        }
        ports.forEach(p -> peers.add("127.0.0.1[" + p + "]"));
        String cluster = existing.isEmpty() ? "truth-" + UUID.randomUUID().toString().substring(0, 8) : existing.get(0).options().cluster();
        List<MemberApp.Running> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            MemberApp.Running r = MemberApp.start(MemberApp.Options.of("d" + (existing.size() + i + 1), ports.get(i), 0, peers)
                    .withCluster(cluster).withFdTimeout(Duration.ofSeconds(2)));
            started.add(r);
            out.add(r);
        }
        return out;
    }

    private HttpResponse<String> get(MemberApp.Running member, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + member.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private String status(MemberApp.Running member) throws Exception {
        HttpResponse<String> r = get(member, "/api/status");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static int figure(String status, String name) {
        return number(section(status, "figures"), name);
    }

    private static int number(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
        assertThat(m.find()).as("%s in %s", name, json).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The sum of a field over the member cards. */
    private static int sumOf(String status, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(section(status, "members"));
        int sum = 0;
        while (m.find()) {
            sum += Integer.parseInt(m.group(1));
        }
        return sum;
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The text of a top-level field's value ({@code "name":{...}} or {@code "name":[...]}), brackets balanced. */
    private static String section(String json, String name) {
        Matcher at = Pattern.compile("\"" + name + "\":[\\[{]").matcher(json);
        assertThat(at.find()).as("%s in %s", name, json).isTrue();
        int i = at.end() - 1;
        int depth = 0;
        boolean inString = false;
        for (int k = i; k < json.length(); k++) {
            char c = json.charAt(k);
            if (inString) {
                if (c == '\\') {
                    k++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return json.substring(i, k + 1);
                }
            }
        }
        throw new AssertionError("unbalanced " + name + " in " + json);
    }
}
