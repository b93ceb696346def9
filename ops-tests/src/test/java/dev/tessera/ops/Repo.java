package dev.tessera.ops;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, where docs/ and demo/ live (set by surefire as {@code tessera.root}). */
final class Repo {
    private Repo() {}

    static Path root() {
        String configured = System.getProperty("tessera.root");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("docs/monitoring"))) {
                return p;
            }
        }
        throw new IllegalStateException("no docs/monitoring above " + start + "; set -Dtessera.root=<repository root>");
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }
}
