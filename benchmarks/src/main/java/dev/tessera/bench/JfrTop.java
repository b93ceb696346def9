package dev.tessera.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarizes a JFR file: CPU samples (jdk.ExecutionSample) by top frame, by first non-JDK frame, by
 * thread group and inclusive per Tessera/JGroups method; allocation samples by class and by first
 * non-JDK frame. {@code java -cp ... dev.tessera.bench.JfrTop file.jfr [limit]}
 */
public final class JfrTop {
    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        int limit = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Map<String, Long> top = new HashMap<>();
        Map<String, Long> firstApp = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> allocClass = new HashMap<>();
        Map<String, Long> allocSite = new HashMap<>();
        long samples = 0;
        long allocTotal = 0;
        try (RecordingFile f = new RecordingFile(Path.of(args[0]))) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                String type = e.getEventType().getName();
                if (type.equals("jdk.ExecutionSample")) {
                    RecordedStackTrace st = e.getStackTrace();
                    if (st == null || st.getFrames().isEmpty()) {
                        continue;
                    }
                    samples++;
                    List<RecordedFrame> frames = st.getFrames();
                    top.merge(name(frames.get(0)), 1L, Long::sum);
                    firstApp.merge(firstNonJdk(frames), 1L, Long::sum);
                    Set<String> seen = new HashSet<>();
                    for (RecordedFrame fr : frames) {
                        String n = name(fr);
                        if ((n.startsWith("dev.tessera") || n.startsWith("org.jgroups") || n.startsWith("com.hazelcast")
                                || n.startsWith("com.esotericsoftware")) && seen.add(n)) {
                            inclusive.merge(n, 1L, Long::sum);
                        }
                    }
                    RecordedThread t = e.getThread("sampledThread");
                    threads.merge(group(t == null ? "?" : t.getJavaName()), 1L, Long::sum);
                } else if (type.equals("jdk.ObjectAllocationSample")) {
                    long w = e.getLong("weight");
                    allocTotal += w;
                    RecordedClass c = e.getClass("objectClass");
                    allocClass.merge(c == null ? "?" : c.getName(), w, Long::sum);
                    RecordedStackTrace st = e.getStackTrace();
                    if (st != null) {
                        allocSite.merge(firstNonJdk(st.getFrames()), w, Long::sum);
                    }
                }
            }
        }
        System.out.println("CPU samples: " + samples);
        print("top frame (self time)", top, samples, limit);
        print("first non-JDK frame", firstApp, samples, limit);
        print("inclusive, Tessera/JGroups/Kryo/Hazelcast methods", inclusive, samples, limit);
        print("by thread group", threads, samples, limit);
        System.out.printf("%nallocation samples: %,d MB sampled weight%n", allocTotal >> 20);
        print("allocated bytes by class", allocClass, allocTotal, limit);
        print("allocated bytes by first non-JDK frame", allocSite, allocTotal, limit);
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String firstNonJdk(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String n = name(f);
            if (!(n.startsWith("java.") || n.startsWith("jdk.") || n.startsWith("sun."))) {
                return n;
            }
        }
        return frames.isEmpty() ? "?" : name(frames.get(0)) + " (JDK only)";
    }

    /** Thread name without its trailing number: "tessera-m1-worker-17" -> "tessera-m1-worker". */
    private static String group(String thread) {
        return thread.replaceAll("[-#]?\\d+$", "").replaceAll("\\d+", "N");
    }

    private static void print(String title, Map<String, Long> counts, long total, int limit) {
        System.out.println("\n-- " + title);
        List<Map.Entry<String, Long>> list = new ArrayList<>(counts.entrySet());
        list.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        for (int i = 0; i < Math.min(limit, list.size()); i++) {
            Map.Entry<String, Long> e = list.get(i);
            System.out.printf("%6.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey());
        }
    }
}
