package dev.tessera.grid;

import java.util.Objects;

/**
 * A member of the cluster as applications see it. Two members are equal when their ids are equal;
 * a restarted JVM is a new member with a new id.
 *
 * @param id      unique id of this incarnation of the member
 * @param name    the name given with {@link GridBuilder#memberName(String)}
 * @param zone    the zone given with {@link GridBuilder#zone(String)}, or {@code null}
 * @param address the transport address as text (for display)
 */
public record Member(String id, String name, String zone, String address) {
    public Member {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Member m && m.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }
}
