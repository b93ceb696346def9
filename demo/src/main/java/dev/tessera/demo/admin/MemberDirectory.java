package dev.tessera.demo.admin;

import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberInfo;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import dev.tessera.grid.membership.MemberId;

/**
 * Every member name this member has seen in a view, with every address it had (a restarted member keeps its name
 * but gets a new address). Lets the admin endpoints isolate members by name even after they left the view, which is
 * what happens once a partition takes effect.
 */
final class MemberDirectory {
    private final TesseraGrid grid;
    private final Map<String, Set<MemberId>> byName = new ConcurrentHashMap<>();
    private final Map<MemberId, String> byAddress = new ConcurrentHashMap<>();

    MemberDirectory(TesseraGrid grid) {
        this.grid = grid;
    }

    /** Records the members of the current view. Cheap; called periodically and before every lookup. */
    void refresh() {
        ClusterView v = grid.channel().currentView();
        if (v == null) {
            return;
        }
        for (MemberInfo m : v.members()) {
            byName.computeIfAbsent(m.name(), n -> ConcurrentHashMap.newKeySet()).add(m.id());
            byAddress.put(m.id(), m.name());
        }
    }

    /** Every address ever seen for {@code name}; empty if the name is unknown. */
    Set<MemberId> addresses(String name) {
        refresh();
        return byName.getOrDefault(name, Set.of());
    }

    /** The name of {@code a} if known, else its JGroups form. */
    String nameOf(MemberId a) {
        String n = byAddress.get(a);
        return n != null ? n : String.valueOf(a);
    }

    List<String> names(Set<MemberId> addresses) {
        Set<String> out = new LinkedHashSet<>();
        for (MemberId a : addresses) {
            out.add(nameOf(a));
        }
        return List.copyOf(out);
    }
}
