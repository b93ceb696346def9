package dev.tessera.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/monitoring/dashboard.json is a Grafana model with the panels the runbook refers to, and every metric it
 * queries is one the contract names and one a real member's scrape returns (an in-process member bound as the demo
 * binds it, or the member at {@code -Dops.scrapeUrl=http://127.0.0.1:8081/metrics}).
 */
class DashboardTest {
    /** Series Prometheus itself provides. */
    private static final Set<String> BUILT_IN = Set.of("ALERTS", "up");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void dashboard_hasThePanelsTheIssueAndRunbookName() throws IOException {
        List<String> titles = new ArrayList<>();
        panels(dashboard()).forEach(p -> titles.add(p.path("title").asText()));
        assertThat(titles).contains("Throughput per map", "Latency per map (mean and max)", "Near-cache hit ratio",
                "Loader hit ratio (gets served without a load)", "Entries per member", "Bytes per member (primary copies)",
                "Replicas missing (partitions under-replicated)", "Migrations and their progress", "Rejected messages");
        for (JsonNode panel : panels(dashboard())) {
            if (!panel.path("type").asText().equals("row")) {
                assertThat(panel.path("targets").size()).as("queries of %s", panel.path("title")).isPositive();
            }
        }
    }

    @Test
    void everyQueriedMetric_isInTheContract() throws IOException {
        Set<String> queried = queriedMetrics(dashboard());
        assertThat(queried).as("metrics the dashboard queries").hasSizeGreaterThanOrEqualTo(20);
        Set<String> allowed = new TreeSet<>(MetricContract.prometheusNames());
        allowed.addAll(BUILT_IN);
        assertThat(queried).isSubsetOf(allowed);
    }

    /**
     * Every metric the dashboard queries is in a real member's scrape: of the member at {@code -Dops.scrapeUrl} if
     * given, else of an in-process member bound as the demo binds it ({@link InProcessScrape}).
     */
    @Test
    void everyQueriedMetric_isInALiveScrape() throws Exception {
        String url = System.getProperty("ops.scrapeUrl");
        String body;
        if (url == null) {
            url = "an in-process member";
            body = InProcessScrape.scrape();
        } else {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
            body = response.body();
        }
        Set<String> scraped = Scrape.names(body);
        Set<String> missing = new TreeSet<>(queriedMetrics(dashboard()));
        missing.removeAll(scraped);
        missing.removeAll(BUILT_IN);
        assertThat(missing).as("queried by the dashboard, absent from the scrape of %s", url).isEmpty();
    }

    private JsonNode dashboard() throws IOException {
        return json.readTree(Repo.path("docs/monitoring/dashboard.json").toFile());
    }

    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        collect(dashboard.path("panels"), out);
        return out;
    }

    private static void collect(JsonNode panels, List<JsonNode> out) {
        for (JsonNode p : panels) {
            out.add(p);
            collect(p.path("panels"), out); // collapsed rows hold their panels
        }
    }

    static Set<String> queriedMetrics(JsonNode dashboard) {
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                names.addAll(PromQl.metricNames(target.path("expr").asText()));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            Matcher m = LABEL_VALUES.matcher(variable.path("definition").asText());
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        for (JsonNode annotation : dashboard.path("annotations").path("list")) {
            names.addAll(PromQl.metricNames(annotation.path("expr").asText()));
        }
        return names;
    }
}
