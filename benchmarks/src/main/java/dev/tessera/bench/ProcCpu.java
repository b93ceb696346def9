package dev.tessera.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of a process and of its threads from /proc (Linux; user + system, in clock ticks of
 * 10 ms). CPU time per operation is much less sensitive to other load on a shared machine than
 * throughput: it is what each store spends, whoever else runs.
 */
final class ProcCpu {
    static final double TICK_SECONDS = 0.01;

    private ProcCpu() {
    }

    /** utime + stime of the whole process, or -1. */
    static long processTicks(long pid) {
        return ticks(Path.of("/proc", String.valueOf(pid), "stat"));
    }

    /** utime + stime per thread group (the thread name without its numbers). */
    static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> out = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path t : tasks) {
                try {
                    String name = Files.readString(t.resolve("comm")).strip().replaceAll("\\d+", "N");
                    long ticks = ticks(t.resolve("stat"));
                    if (ticks >= 0) {
                        out.merge(name, ticks, Long::sum);
                    }
                } catch (IOException e) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        return out;
    }

    private static long ticks(Path stat) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
