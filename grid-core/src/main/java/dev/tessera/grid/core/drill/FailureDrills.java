package dev.tessera.grid.core.drill;

import dev.tessera.grid.Grid;
import dev.tessera.grid.core.drill.ReplicaAudit;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.membership.MemberId;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a failure drill or a chaos test does to one member: crash it without a goodbye, cut it off from other members
 * in both directions (as a network partition would), and read a digest of its replicas to compare with the other
 * members'. The demo's admin endpoints and the runbook's drills use it; applications never need it. Members are
 * named by {@link dev.tessera.grid.Member#id()}.
 */
public final class FailureDrills {
    private final TesseraGrid member;

    private FailureDrills(TesseraGrid member) {
        this.member = member;
    }

    /**
     * The drills of {@code grid}.
     *
     * @throws IllegalArgumentException if {@code grid} is not a member started by Tessera's grid-core
     */
    public static FailureDrills of(Grid grid) {
        return new FailureDrills(tessera(grid));
    }

    static TesseraGrid tessera(Grid grid) {
        if (grid instanceof TesseraGrid t) {
            return t;
        }
        throw new IllegalArgumentException("not a Tessera member: " + (grid == null ? "null" : grid.getClass().getName()));
    }

    /**
     * Stops this member as {@code kill -9} would: all traffic stops at once, no partition is handed over, and the other
     * members learn of it through failure detection.
     */
    public void crash() {
        member.simulateCrash();
    }

    /**
     * Drops all traffic between this member and the members with these ids (they may have left the view), until
     * {@link #heal()} or the next call, which replaces the set.
     *
     * @throws IllegalArgumentException if an id is not a {@link dev.tessera.grid.Member#id()}
     */
    public void isolateFrom(Collection<String> memberIds) {
        Set<MemberId> ids = new java.util.HashSet<>();
        for (String id : memberIds) {
            ids.add(MemberId.parse(id));
        }
        member.channel().isolate(ids);
    }

    /** Lets all traffic through again. */
    public void heal() {
        member.channel().isolate(Set.of());
    }

    /** The ids of the members this member drops traffic to and from, sorted. */
    public Set<String> isolatedFrom() {
        Set<String> out = new TreeSet<>();
        for (MemberId id : member.channel().isolatedFrom()) {
            out.add(id.uniqueName());
        }
        return out;
    }

    /**
     * The replicas of map {@code map} this member holds under its current table, one line per partition it holds a
     * replica of: partition, replica slot, holders, entries and a digest of keys, values and versions. Two replicas
     * of a partition under the same table version are equal when their lines' entries and digests are.
     *
     * @param replicas how many replicas the map's partitions have (1 + its backups)
     * @throws IllegalArgumentException if {@code replicas} is below 1
     */
    public String replicaDigest(String map, int replicas) {
        Objects.requireNonNull(map, "map");
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1 (1 + the map's backups), was " + replicas);
        }
        return ReplicaAudit.snapshot(member, map, replicas).toText();
    }
}
