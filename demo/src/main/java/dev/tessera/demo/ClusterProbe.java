package dev.tessera.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Helper of {@code demo/cluster.sh}: waits until started members see each other, and prints the
 * cluster's status. Members are given as {@code name:pid:httpPort} arguments.
 *
 * <pre>
 * ClusterProbe wait --count 3 [--timeout 120] [--run run] m1:4711:8081 m2:4712:8082 m3:4713:8083
 * ClusterProbe status m1:4711:8081 m2:4712:8082
 * </pre>
 */
public final class ClusterProbe {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(700)).build();

    private ClusterProbe() {}

    record Target(String name, long pid, int httpPort) {
        static Target parse(String s) {
            String[] p = s.split(":");
            if (p.length != 3) {
                throw new IllegalArgumentException("expected name:pid:httpPort, was '" + s + "'");
            }
            return new Target(p[0], Long.parseLong(p[1]), Integer.parseInt(p[2]));
        }

        String url() {
            return "http://127.0.0.1:" + httpPort + "/";
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 0) {
            System.err.println("usage: ClusterProbe wait --count N [--timeout S] [--run DIR] name:pid:port...  |  status name:pid:port...");
            System.exit(2);
        }
        int count = -1;
        int timeout = 120;
        Path run = Path.of("run");
        List<Target> targets = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--count" -> count = Integer.parseInt(args[++i]);
                case "--timeout" -> timeout = Integer.parseInt(args[++i]);
                case "--run" -> run = Path.of(args[++i]);
                default -> targets.add(Target.parse(args[i]));
            }
        }
        switch (args[0]) {
            case "wait" -> System.exit(await(targets, count < 0 ? targets.size() : count, timeout, run));
            case "status" -> status(targets);
            default -> {
                System.err.println("unknown verb " + args[0]);
                System.exit(2);
            }
        }
    }

    /** {@code running}, {@code paused} (SIGSTOP), or {@code dead}. */
    static String processState(long pid) {
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) {
            return "dead";
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            if (state == 'Z' || state == 'X') {
                return "dead";
            }
            return state == 'T' || state == 't' ? "paused" : "running";
        } catch (IOException | RuntimeException e) {
            return "running";
        }
    }

    /** Parses {@code /api/summary}: {@code m1 members=3 version=12 migrations=0 view=m1,m2,m3 http=8081,8082,8083}. */
    static Map<String, String> summary(Target t, long timeoutMs) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(t.url() + "api/summary"))
                    .timeout(Duration.ofMillis(timeoutMs)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            Map<String, String> out = new HashMap<>();
            for (String part : r.body().strip().split(" ")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    out.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static int await(List<Target> targets, int count, int timeoutSeconds, Path run) throws InterruptedException {
        long start = System.currentTimeMillis();
        long deadline = start + timeoutSeconds * 1000L;
        long lastPrint = start;
        boolean viewsDone = false;
        while (System.currentTimeMillis() < deadline) {
            List<String> waiting = new ArrayList<>();
            int migrating = 0;
            for (Target t : targets) {
                if (processState(t.pid()).equals("dead")) {
                    System.err.println(t.name() + " (pid " + t.pid() + ") exited while starting; the end of " + run.resolve(t.name() + ".log") + ":");
                    printTail(run.resolve(t.name() + ".log"));
                    return 1;
                }
                Map<String, String> s = summary(t, 1000);
                if (s == null) {
                    waiting.add(t.name() + " (starting)");
                } else if (!String.valueOf(count).equals(s.get("members"))) {
                    waiting.add(t.name() + " (sees " + s.get("members") + ")");
                } else {
                    migrating += Integer.parseInt(s.getOrDefault("migrations", "0"));
                }
            }
            if (waiting.isEmpty() && !viewsDone) {
                viewsDone = true;
                System.out.printf(Locale.ROOT, "all %d members see each other (%.1f s)%n", count, (System.currentTimeMillis() - start) / 1000.0);
            }
            if (viewsDone && migrating == 0) {
                return 0;
            }
            long now = System.currentTimeMillis();
            if (now - lastPrint >= 5000) {
                lastPrint = now;
                System.out.println(viewsDone ? "  waiting for " + migrating + " partition migrations to finish..."
                        : "  waiting for " + count + " members: " + String.join(", ", waiting));
            }
            Thread.sleep(300);
        }
        if (viewsDone) {
            System.out.println("migrations still running after " + timeoutSeconds + " s; continuing anyway");
            return 0;
        }
        System.err.println("members did not all see each other within " + timeoutSeconds + " s; see the logs in " + run);
        return 1;
    }

    private static void printTail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (String l : lines.subList(Math.max(0, lines.size() - 20), lines.size())) {
                System.err.println("  | " + l);
            }
        } catch (IOException e) {
            System.err.println("  (cannot read " + log + ": " + e.getMessage() + ")");
        }
    }

    private static void status(List<Target> targets) {
        if (targets.isEmpty()) {
            System.out.println("no members started (run demo/cluster.sh start 3)");
            return;
        }
        String fmt = "%-6s %-8s %-8s %-24s %-8s %-7s %s%n";
        System.out.printf(Locale.ROOT, fmt, "NAME", "PID", "ALIVE", "HTTP", "MEMBERS", "TABLE", "VIEW");
        for (Target t : targets) {
            String state = processState(t.pid());
            Map<String, String> s = state.equals("running") ? summary(t, 1500) : null;
            String alive = switch (state) {
                case "running" -> s != null ? "yes" : "no-http";
                case "paused" -> "paused";
                default -> "dead";
            };
            System.out.printf(Locale.ROOT, fmt, t.name(), t.pid(), alive, state.equals("dead") ? "-" : t.url(),
                    s == null ? "-" : s.get("members"), s == null ? "-" : "v" + s.get("version"),
                    s == null ? "-" : s.getOrDefault("view", "") + (s.getOrDefault("migrations", "0").equals("0") ? ""
                            : " (" + s.get("migrations") + " migrating)"));
        }
    }
}
