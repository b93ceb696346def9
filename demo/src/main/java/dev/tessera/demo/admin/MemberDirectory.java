package dev.tessera.demo.admin;

import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberInfo;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jgroups.Address;

/**
 * Every member name this member has seen in a view, with every address it had (a restarted member keeps its name
 * but gets a new address). Lets the admin endpoints isolate members by name even after they left the view, which is
 * what happens once a partition takes effect.
 */
final class MemberDirectory {
    private final TesseraGrid grid;
    private final Map<String, Set<Address>> byName = new ConcurrentHashMap<>();
    private final Map<Address, String> byAddress = new ConcurrentHashMap<>();

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
            byName.computeIfAbsent(m.name(), n -> ConcurrentHashMap.newKeySet()).add(m.address());
            byAddress.put(m.address(), m.name());
        }
    }

    /** Every address ever seen for {@code name}; empty if the name is unknown. */
    Set<Address> addresses(String name) {
        refresh();
        return byName.getOrDefault(name, Set.of());
    }

    /** The name of {@code a} if known, else its JGroups form. */
    String nameOf(Address a) {
        String n = byAddress.get(a);
        return n != null ? n : String.valueOf(a);
    }

    List<String> names(Set<Address> addresses) {
        Set<String> out = new LinkedHashSet<>();
        for (Address a : addresses) {
            out.add(nameOf(a));
        }
        return List.copyOf(out);
    }
}
