package dev.tessera.bench;

import java.util.ArrayList;
import java.util.List;

/** How every benchmark JVM is started: the same options for both stores (WORKLOAD.md: -Xmx2g, G1). */
final class Jvm {
    private Jvm() {
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static String classPath() {
        return System.getProperty("java.class.path");
    }

    /** Options of every member / driver JVM. The --add-opens are the ones Hazelcast 5 asks for. */
    static List<String> memberOptions() {
        List<String> o = new ArrayList<>(List.of(
                "-Xmx2g", "-XX:+UseG1GC",
                "-Djava.net.preferIPv4Stack=true",
                "-Dhazelcast.phone.home.enabled=false",
                "-Dhazelcast.logging.type=slf4j",
                "--add-modules", "java.se",
                "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED"));
        for (String p : List.of("bench.msgstats", "bench.tesseraPort", "bench.hazelcastPort")) {
            String v = System.getProperty(p);
            if (v != null) {
                o.add("-D" + p + "=" + v);
            }
        }
        // Tessera's own switches (e.g. -Dtessera.pooledDataPath=true for an A/B) reach every member JVM
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("tessera.")).sorted()
                .forEach(k -> o.add("-D" + k + "=" + System.getProperty(k)));
        return o;
    }

    /** A command line running {@link Bench} in this class path with the member options. */
    static List<String> command(List<String> extraJvm, String mode, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(memberOptions());
        cmd.addAll(extraJvm);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(Bench.class.getName());
        cmd.add(mode);
        cmd.addAll(args);
        return cmd;
    }
}
