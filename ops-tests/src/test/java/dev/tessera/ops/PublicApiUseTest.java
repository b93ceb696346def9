package dev.tessera.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The modules around the grid (demo, JCache, Micrometer, the Spring Boot starter) use only what Tessera's modules
 * export, as an application would: the packages their module-info.java exports without a qualification. Checked on
 * the sources, so it holds whatever order the reactor builds them in. The benchmarks are exempt: their JMH
 * microbenchmarks time internals (the key codec, the partitioner) and their floor anchor speaks raw JGroups.
 */
class PublicApiUseTest {
    private static final List<String> CONSUMERS = List.of("demo", "grid-jcache", "grid-micrometer", "tessera-spring-boot-starter");
    private static final Pattern EXPORTS = Pattern.compile("^\\s*exports\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern TESSERA_REFERENCE = Pattern.compile("\\bdev\\.tessera\\.grid(?:\\.[a-z]\\w*)*(?=\\.[A-Z*])");

    @Test
    void consumers_referenceOnlyExportedPackages() throws IOException {
        Set<String> exported = new TreeSet<>();
        for (String module : List.of("grid-api", "grid-core", "grid-membership")) {
            Matcher m = EXPORTS.matcher(Files.readString(Repo.path(module + "/src/main/java/module-info.java")));
            while (m.find()) {
                exported.add(m.group(1));
            }
        }
        assertThat(exported).as("unqualified exports").containsExactlyInAnyOrder("dev.tessera.grid", "dev.tessera.grid.spi",
                "dev.tessera.grid.core.drill");

        List<String> violations = new ArrayList<>();
        int files = 0;
        for (String consumer : CONSUMERS) {
            try (Stream<Path> sources = Files.walk(Repo.path(consumer + "/src/main/java"))) {
                for (Path f : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files++;
                    Matcher m = TESSERA_REFERENCE.matcher(Files.readString(f));
                    while (m.find()) {
                        String pkg = m.group();
                        if (!exported.contains(pkg) && CONSUMERS.stream().noneMatch(c -> pkg.startsWith(ownPackage(c)))) {
                            violations.add(Repo.root().relativize(f) + ": " + pkg);
                        }
                    }
                }
            }
        }
        assertThat(files).as("source files checked").isGreaterThan(40);
        assertThat(violations).as("references to packages Tessera's modules do not export").isEmpty();
    }

    /** A consumer's own packages: its public API for the other consumers (the starter binds the Micrometer metrics). */
    private static String ownPackage(String consumer) {
        return switch (consumer) {
            case "grid-jcache" -> "dev.tessera.grid.jcache";
            case "grid-micrometer" -> "dev.tessera.grid.micrometer";
            case "tessera-spring-boot-starter" -> "dev.tessera.grid.spring";
            default -> "dev.tessera.demo";
        };
    }
}
