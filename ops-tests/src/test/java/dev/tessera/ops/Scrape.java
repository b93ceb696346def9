package dev.tessera.ops;

import java.util.Set;
import java.util.TreeSet;

/** Series names in a Prometheus text exposition (the lines that are not comments). */
final class Scrape {
    private Scrape() {}

    static Set<String> names(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }
}
