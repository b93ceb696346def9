package dev.tessera.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Instant queries against Prometheus' HTTP API (/api/v1/query). */
final class PrometheusApi {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String base;

    PrometheusApi(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** The result vector: one JSON object (metric, value) per series; empty when the query matches nothing. */
    List<JsonNode> query(String promql) throws IOException, InterruptedException {
        URI uri = URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = json.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IOException("query " + promql + " -> " + response.statusCode() + " " + response.body());
        }
        List<JsonNode> out = new ArrayList<>();
        body.path("data").path("result").forEach(out::add);
        return out;
    }

    /** The value of a query that yields one series, or NaN when it yields none. */
    double scalar(String promql) throws IOException, InterruptedException {
        List<JsonNode> result = query(promql);
        return result.isEmpty() ? Double.NaN : Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    boolean firing(String alertname) throws IOException, InterruptedException {
        return !query("ALERTS{alertname=\"" + alertname + "\", alertstate=\"firing\"}").isEmpty();
    }
}
