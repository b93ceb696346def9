package dev.tessera.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
        for (String p : List.of("bench.tesseraPort", "bench.hazelcastPort")) {
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

    /**
     * A command line running {@link Bench} with the member options, in the class path of the store named by
     * {@code --store=} in {@code args} ({@link #classPathFor}).
     */
    static List<String> command(List<String> extraJvm, String mode, List<String> args) {
        String store = args.stream().filter(a -> a.startsWith("--store=")).map(a -> a.substring(8)).findFirst().orElse("");
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(memberOptions());
        cmd.addAll(extraJvm);
        cmd.add("-cp");
        cmd.add(classPathFor(store));
        cmd.add(Bench.class.getName());
        cmd.add(mode);
        cmd.addAll(args);
        return cmd;
    }

    /** Jar file name = artifact, "-", a version starting with a digit. */
    private static final Pattern JAR = Pattern.compile("^(.+?)-\\d[^/]*\\.jar$");

    /**
     * The class path of a store's member JVMs. Most stores share this JVM's; a peer whose libraries clash with
     * ours (Hazelcast 5.7.0 with the 5.6.0 in lib/, Infinispan's JGroups 5.5.1 with Tessera's 5.5.7) has them in
     * {@code benchmarks/anchors/<store>/target/lib} (built by the module there): they come first, and every jar
     * of ours of the same artifact is left out, so each JVM sees exactly one version of each library.
     */
    static String classPathFor(String store) {
        Path libs = anchorLibs(store);
        if (libs == null) {
            return classPath();
        }
        List<String> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(libs)) {
            files.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> jars.add(p.toString()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + libs, e);
        }
        return merge(jars, classPath());
    }

    /** {@code storeJars} first, then the entries of {@code ours} whose artifact is not among them. */
    static String merge(List<String> storeJars, String ours) {
        Set<String> theirs = new LinkedHashSet<>();
        List<String> cp = new ArrayList<>(storeJars);
        for (String jar : storeJars) {
            theirs.add(artifact(Path.of(jar).getFileName().toString()));
        }
        for (String e : ours.split(File.pathSeparator)) {
            String name = Path.of(e).getFileName() == null ? e : Path.of(e).getFileName().toString();
            if (!theirs.contains(artifact(name))) {
                cp.add(e);
            }
        }
        return String.join(File.pathSeparator, cp);
    }

    /** {@code anchors/<store>/target/lib} next to the benchmarks module, if the store has one. */
    static Path anchorLibs(String store) {
        String dir = switch (store) {
            case "hazelcast57" -> "hazelcast57";
            case "infinispan" -> "infinispan";
            default -> null;
        };
        if (dir == null) {
            return null;
        }
        Path module = benchmarksModule();
        Path libs = module.resolve("anchors").resolve(dir).resolve("target").resolve("lib");
        if (!Files.isDirectory(libs)) {
            throw new IllegalStateException("no " + libs + ": build with mvn -Pbench package -pl benchmarks/anchors/" + dir
                    + " (benchmarks/run.sh does)");
        }
        return libs;
    }

    /** The benchmarks module's directory: two levels up from target/benchmarks-*.jar or target/classes. */
    private static Path benchmarksModule() {
        try {
            Path here = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            return here.getParent().getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String artifact(String jarName) {
        Matcher m = JAR.matcher(jarName);
        return m.matches() ? m.group(1) : jarName;
    }
}
