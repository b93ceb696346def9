package dev.tessera.grid;

import java.util.List;

/**
 * Thrown by {@link GridBuilder#start()} when the cluster refused this member because the two could not
 * read each other's data: they register different types ({@link GridBuilder#registerType}) or different
 * versions of them (a record's components, an enum's constants, a class's fields: Kryo's bytes carry no
 * field names), use a different {@link GridBuilder#partitionCount partition count}, or speak a different
 * wire-format version (a mixed deployment during a rolling upgrade, typically).
 *
 * <p>Guarantee: when this is thrown, the member has left the cluster again; it was given no partition,
 * nothing it sent was applied by the running members and nothing of theirs was applied by it. The
 * running members keep their data and log the refusal.
 *
 * <p>Fix: start the member with the same {@code registerType(...)} calls (the order does not matter: a
 * type's id derives from its class name), the same versions of those classes and the same partition count
 * as the running members, or give it another {@code clusterName}. A value class cannot change in a rolling
 * upgrade: add a new type (or start a new cluster) instead.
 */
public class GridIncompatibleMemberException extends GridException {
    private static final long serialVersionUID = 1L;

    private final List<String> differences;

    /**
     * @param message     names the member, the cluster and every difference
     * @param differences one readable line per differing type or setting, as in the message
     */
    public GridIncompatibleMemberException(String message, List<String> differences) {
        super(message);
        this.differences = List.copyOf(differences);
    }

    /**
     * One line per difference, e.g. {@code "member m2 registers com.acme.Order (id 2381237), the cluster does
     * not"} or {@code "partitionCount: member m2 has 128, the cluster has 271"}. Empty if the cluster
     * could not say what differs (the message then says why).
     */
    public List<String> differences() {
        return differences;
    }
}
