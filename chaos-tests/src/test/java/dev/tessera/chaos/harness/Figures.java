package dev.tessera.chaos.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The figures of one test, printed through SLF4J when the test ends (also when it fails) and appended to
 * {@code target/chaos-figures.txt}.
 */
public final class Figures {
    private static final Logger log = LoggerFactory.getLogger(Figures.class);
    private static final Path FILE = Path.of("target", "chaos-figures.txt");

    private final String test;
    private final Map<String, String> values = new LinkedHashMap<>();
    private boolean printed;

    public Figures(String test) {
        this.test = test;
    }

    public synchronized Figures put(String name, Object value) {
        values.put(name, String.valueOf(value));
        return this;
    }

    public Figures seconds(String name, Duration d) {
        return put(name, d == null ? "n/a" : String.format("%.2f s", d.toMillis() / 1000.0));
    }

    public synchronized String get(String name) {
        return values.get(name);
    }

    public synchronized void print(String status) {
        if (printed) {
            return;
        }
        printed = true;
        StringBuilder sb = new StringBuilder();
        sb.append("FIGURES ").append(test).append(" [").append(status).append("]");
        values.forEach((k, v) -> sb.append("\n    ").append(k).append(": ").append(v));
        log.info(sb.toString());
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, Instant.now() + " " + sb + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.warn("cannot append to {}: {}", FILE, e.toString());
        }
    }
}
