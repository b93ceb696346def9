package dev.tessera.grid.core.cluster;

import dev.tessera.grid.core.wire.CompatibilityInfo;
import dev.tessera.grid.core.wire.CompatibilityInfo.RegisteredType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Names, one line each, what keeps a member from reading the cluster's data. */
final class CompatibilityDiff {
    /** Type lines beyond this are summed up in one line: a message should stay readable. */
    static final int MAX_TYPE_LINES = 20;

    private CompatibilityDiff() {}

    /** The differences of {@code member} from {@code cluster}; empty if the descriptions agree. */
    static List<String> between(CompatibilityInfo member, CompatibilityInfo cluster) {
        String m = "member " + member.member();
        List<String> out = new ArrayList<>();
        if (member.wireVersion() != cluster.wireVersion()) {
            out.add("wire format version: " + m + " has " + member.wireVersion() + ", the cluster has " + cluster.wireVersion());
        }
        if (member.partitionCount() != cluster.partitionCount()) {
            out.add("partitionCount: " + m + " has " + member.partitionCount() + ", the cluster has " + cluster.partitionCount());
        }
        Map<String, RegisteredType> mine = byName(member.types());
        Map<String, RegisteredType> theirs = byName(cluster.types());
        List<String> types = new ArrayList<>();
        mine.forEach((name, t) -> {
            RegisteredType other = theirs.get(name);
            if (other == null) {
                types.add(m + " registers " + name + " as id " + t.id() + ", the cluster does not register it");
            } else if (other.id() != t.id()) {
                types.add(name + ": " + m + " registers it as id " + t.id() + ", the cluster as id " + other.id());
            } else if (!other.shape().equals(t.shape())) {
                types.add(name + " has another shape: " + t.shape() + " on " + m + ", " + other.shape() + " in the cluster");
            }
        });
        theirs.forEach((name, t) -> {
            if (!mine.containsKey(name)) {
                types.add("the cluster registers " + name + " as id " + t.id() + ", " + m + " does not register it");
            }
        });
        out.addAll(types.subList(0, Math.min(types.size(), MAX_TYPE_LINES)));
        if (types.size() > MAX_TYPE_LINES) {
            out.add("... and " + (types.size() - MAX_TYPE_LINES) + " more type differences");
        }
        return out;
    }

    private static Map<String, RegisteredType> byName(List<RegisteredType> types) {
        Map<String, RegisteredType> out = new LinkedHashMap<>();
        for (RegisteredType t : types) {
            out.put(t.className(), t);
        }
        return out;
    }
}
