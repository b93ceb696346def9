package dev.tessera.chaos.harness;

import java.util.List;
import java.util.Map;

/** One member's answer to {@code GET /admin/health} (see {@code dev.tessera.demo.admin.Health}). */
public record MemberHealth(Map<String, Object> json) {

    @SuppressWarnings("unchecked")
    static MemberHealth parse(String body) {
        return new MemberHealth((Map<String, Object>) MiniJson.parse(body));
    }

    public String member() {
        return (String) json.get("member");
    }

    public boolean running() {
        return Boolean.TRUE.equals(json.get("running"));
    }

    @SuppressWarnings("unchecked")
    public List<String> view() {
        return (List<String>) json.get("view");
    }

    public String coordinator() {
        return (String) json.get("coordinator");
    }

    public long tableVersion() {
        return num("tableVersion");
    }

    public int migrating() {
        return (int) num("migrating");
    }

    @SuppressWarnings("unchecked")
    public List<String> migrationSources() {
        return (List<String>) json.get("migrationSources");
    }

    @SuppressWarnings("unchecked")
    public List<String> migrationDestinations() {
        return (List<String>) json.get("migrationDestinations");
    }

    @SuppressWarnings("unchecked")
    public List<String> tableMembers() {
        return (List<String>) json.get("tableMembers");
    }

    public boolean fullReplicas() {
        return Boolean.TRUE.equals(json.get("fullReplicas"));
    }

    public boolean stable() {
        return Boolean.TRUE.equals(json.get("stable"));
    }

    public boolean primarySpreadOk() {
        return Boolean.TRUE.equals(json.get("primarySpreadOk"));
    }

    public int unowned() {
        return (int) num("unowned");
    }

    /** Entries this member stores of {@code map}: [primary, backup]; zeros if it stores none. */
    @SuppressWarnings("unchecked")
    public long[] mapEntries(String map) {
        Map<String, Object> maps = (Map<String, Object>) json.get("maps");
        Map<String, Object> m = maps == null ? null : (Map<String, Object>) maps.get(map);
        if (m == null) {
            return new long[] {0, 0};
        }
        return new long[] {((Number) m.get("primary")).longValue(), ((Number) m.get("backup")).longValue()};
    }

    private long num(String k) {
        Object v = json.get(k);
        return v == null ? -1 : ((Number) v).longValue();
    }

    @Override
    public String toString() {
        return member() + "{view=" + view() + " table=v" + tableVersion() + " migrating=" + migrating() + " full="
                + fullReplicas() + " spread=" + primarySpreadOk() + " unowned=" + unowned() + "}";
    }
}
