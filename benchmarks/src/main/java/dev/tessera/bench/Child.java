package dev.tessera.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A benchmark JVM started by the orchestrator; its output goes to a log file, "[bench]" lines also to ours. */
final class Child {
    final String name;
    final Process process;
    final Path log;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread pump;

    Child(String name, List<String> command, Path log, Consumer<String> lineListener) throws IOException {
        this.name = name;
        this.log = log;
        Files.createDirectories(log.getParent());
        this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
        this.pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.write(line);
                    out.write('\n');
                    out.flush();
                    if (line.equals(Bench.READY)) {
                        ready.countDown();
                    } else if (line.startsWith("[bench]")) {
                        System.out.println("      " + name + " " + line.substring(8));
                        if (lineListener != null) {
                            lineListener.accept(line);
                        }
                    }
                }
            } catch (IOException e) {
                // the process was killed
            }
        }, "pump-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the READY line; false if the process exited or the time ran out. */
    boolean awaitReady(long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (ready.await(100, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (!process.isAlive()) {
                return false;
            }
        }
        return false;
    }

    /** Waits for exit; returns the exit code or null on timeout. */
    Integer awaitExit(long seconds) throws InterruptedException {
        if (process.waitFor(seconds, TimeUnit.SECONDS)) {
            pump.join(2000);
            return process.exitValue();
        }
        return null;
    }

    /** kill -9 of the process and anything it started. */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(15, TimeUnit.SECONDS);
        pump.join(2000);
    }

    /** Last lines of the log, for error messages. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
