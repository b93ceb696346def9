package dev.tessera.ops;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds Debian's prometheus/promtool binaries and runs processes with a deadline.
 *
 * <p>A missing binary skips the test with the command that installs it, unless the environment sets
 * {@code TESSERA_REQUIRE_PROMETHEUS=1} (.ci/run does, after installing the package): then it fails, so CI
 * can never pass by skipping.
 */
final class Tools {
    private Tools() {}

    static Path require(String binary) {
        Optional<Path> found = find(binary);
        if (found.isPresent()) {
            return found.get();
        }
        String message = binary + " not found on PATH (nor -D" + binary + "=...): install Debian's prometheus package "
                + "(apt-get install -y prometheus; .ci/run does) to run this test";
        if ("1".equals(System.getenv("TESSERA_REQUIRE_PROMETHEUS"))) {
            Assertions.fail(message + " (TESSERA_REQUIRE_PROMETHEUS=1: not skipping)");
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    static Optional<Path> find(String binary) {
        String configured = System.getProperty(binary);
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return Optional.of(Path.of(configured));
        }
        String pathEnv = System.getenv().getOrDefault("PATH", "");
        for (String dir : pathEnv.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, binary);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Exit status and combined output of one finished process. */
    record Result(int exitCode, String output) {}

    static Result run(Path workDir, Map<String, String> env, long timeoutSeconds, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("ops-tool", ".log");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, Files.readString(out, StandardCharsets.UTF_8) + "\n[timed out after " + timeoutSeconds + " s]");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static List<String> lines(Path file) throws IOException {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }
}
