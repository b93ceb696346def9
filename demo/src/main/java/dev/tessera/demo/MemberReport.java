package dev.tessera.demo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one member publishes about itself every second into the {@value StatusBoard#STATUS_MAP} grid
 * map, so that every member's page can show every member. Stored as a small {@code key=value} text
 * so that no type needs registering with the grid's serializer.
 *
 * @param name          member name
 * @param id            id of this incarnation (changes when the JVM restarts)
 * @param gridAddress   host:port of its grid transport
 * @param zone          zone, or empty
 * @param httpPort      port of its HTTP endpoint (status page and /kv)
 * @param pid           operating-system process id
 * @param started       start time, epoch ms
 * @param updated       time of this report, epoch ms
 * @param entries       entries it stores as primary (application maps only)
 * @param backupEntries entries it stores as backup (application maps only)
 * @param bytes         serialized key+value bytes it stores (application maps only)
 * @param tableVersion  partition table version it has applied
 * @param membersSeen   members in its view
 * @param leaving       set by the member as it leaves gracefully: the others show it as "left", not "crashed"
 */
record MemberReport(String name, String id, String gridAddress, String zone, int httpPort, long pid, long started,
                    long updated, long entries, long backupEntries, long bytes, long tableVersion, int membersSeen,
                    boolean leaving) {

    /** This report, marked as the member's last before its graceful leave. */
    MemberReport asLeaving(long now) {
        return new MemberReport(name, id, gridAddress, zone, httpPort, pid, started, now, entries, backupEntries, bytes,
                tableVersion, membersSeen, true);
    }

    String encode() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("id", id);
        m.put("gridAddress", gridAddress);
        m.put("zone", zone == null ? "" : zone);
        m.put("httpPort", Integer.toString(httpPort));
        m.put("pid", Long.toString(pid));
        m.put("started", Long.toString(started));
        m.put("updated", Long.toString(updated));
        m.put("entries", Long.toString(entries));
        m.put("backupEntries", Long.toString(backupEntries));
        m.put("bytes", Long.toString(bytes));
        m.put("tableVersion", Long.toString(tableVersion));
        m.put("membersSeen", Integer.toString(membersSeen));
        m.put("leaving", Boolean.toString(leaving));
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append('=').append(v.replace('\n', ' ')).append('\n'));
        return sb.toString();
    }

    /** Parses {@link #encode()}'s output; {@code null} if it is not a report. */
    static MemberReport decode(String text) {
        if (text == null) {
            return null;
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        if (m.get("name") == null || m.get("name").isEmpty()) {
            return null;
        }
        try {
            return new MemberReport(m.get("name"), m.getOrDefault("id", ""), m.getOrDefault("gridAddress", ""),
                    m.getOrDefault("zone", ""), Integer.parseInt(m.getOrDefault("httpPort", "0")),
                    Long.parseLong(m.getOrDefault("pid", "0")), Long.parseLong(m.getOrDefault("started", "0")),
                    Long.parseLong(m.getOrDefault("updated", "0")), Long.parseLong(m.getOrDefault("entries", "0")),
                    Long.parseLong(m.getOrDefault("backupEntries", "0")), Long.parseLong(m.getOrDefault("bytes", "0")),
                    Long.parseLong(m.getOrDefault("tableVersion", "0")), Integer.parseInt(m.getOrDefault("membersSeen", "0")),
                    Boolean.parseBoolean(m.getOrDefault("leaving", "false")));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
