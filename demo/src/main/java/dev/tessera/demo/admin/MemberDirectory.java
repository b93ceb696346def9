package dev.tessera.demo.admin;

import dev.tessera.grid.Grid;
import dev.tessera.grid.Member;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every member name this member has seen in a view, with every id it had (a restarted member keeps its name but gets
 * a new id). Lets the admin endpoints isolate members by name even after they left the view, which is what happens
 * once a partition takes effect.
 */
final class MemberDirectory {
    private final Grid grid;
    private final Map<String, Set<String>> idsByName = new ConcurrentHashMap<>();
    private final Map<String, String> nameById = new ConcurrentHashMap<>();

    MemberDirectory(Grid grid) {
        this.grid = grid;
    }

    /** Records the members of the current view. Cheap; called periodically and before every lookup. */
    void refresh() {
        if (!grid.isRunning()) {
            return;
        }
        for (Member m : grid.members()) {
            record(m);
        }
    }

    void record(Member m) {
        if (m != null) {
            idsByName.computeIfAbsent(m.name(), n -> ConcurrentHashMap.newKeySet()).add(m.id());
            nameById.put(m.id(), m.name());
        }
    }

    /** Every id ever seen for {@code name}; empty if the name is unknown. */
    Set<String> ids(String name) {
        refresh();
        return idsByName.getOrDefault(name, Set.of());
    }

    /** The name of the member with id {@code id} if known, else the id. */
    String nameOf(String id) {
        String n = nameById.get(id);
        return n != null ? n : id;
    }

    List<String> names(Collection<String> ids) {
        Set<String> out = new LinkedHashSet<>();
        for (String id : ids) {
            out.add(nameOf(id));
        }
        return List.copyOf(out);
    }

    List<String> namesOf(Collection<Member> members) {
        Set<String> out = new LinkedHashSet<>();
        for (Member m : members) {
            record(m);
            out.add(m.name());
        }
        return List.copyOf(out);
    }
}
