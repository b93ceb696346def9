package dev.tessera.grid.membership;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Objects;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.jgroups.util.Util;

/**
 * Who a member is, for everything above grid-membership: the one type that stands for a member's transport
 * identity, so no code outside this module depends on JGroups. Two ids are equal when they name the same member
 * incarnation (a restarted member gets a new id). Ordered, so tables can sort members deterministically.
 */
public final class MemberId implements Comparable<MemberId> {
    private final Address address;

    private MemberId(Address address) {
        this.address = Objects.requireNonNull(address, "address");
    }

    /** The id of a JGroups address; for grid-membership and tests that speak JGroups. */
    public static MemberId of(Address address) {
        return new MemberId(address);
    }

    /** A fresh id bound to no channel: for simulations and tests of tables and assignments. */
    public static MemberId random() {
        return new MemberId(UUID.randomUUID());
    }

    /** The JGroups address behind this id; for grid-membership and tests that speak JGroups. */
    public Address address() {
        return address;
    }

    /** A string that names this member incarnation uniquely (the full UUID where the transport has one). */
    public String uniqueName() {
        return address instanceof UUID u ? u.toStringLong() : address.toString();
    }

    /**
     * The id whose {@link #uniqueName()} is {@code uniqueName}: lets a tool name a member by the id the API shows
     * ({@code Member.id()}), even after that member left the view.
     *
     * @throws IllegalArgumentException if {@code uniqueName} is not the full UUID form {@link #uniqueName()} returns
     */
    public static MemberId parse(String uniqueName) {
        try {
            return new MemberId(UUID.fromString(Objects.requireNonNull(uniqueName, "uniqueName")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a member id (the 36-character UUID of Member.id()): '" + uniqueName + "'", e);
        }
    }

    /** Writes this id in the transport's compact encoding. */
    public void writeTo(DataOutput out) throws IOException {
        Util.writeAddress(address, out);
    }

    /**
     * Reads an id written by {@link #writeTo}.
     *
     * @return the id, or {@code null} if {@code null} was written
     * @throws IOException if the input ends early or names an unknown address class
     */
    public static MemberId readFrom(DataInput in) throws IOException {
        try {
            Address a = Util.readAddress(in);
            return a == null ? null : new MemberId(a);
        } catch (ClassNotFoundException e) {
            throw new IOException("unknown member id encoding", e);
        }
    }

    /** Writes {@code null} where {@link #readFrom} reads it back as {@code null}. */
    public static void writeNullable(MemberId id, DataOutput out) throws IOException {
        Util.writeAddress(id == null ? null : id.address, out);
    }

    @Override
    public int compareTo(MemberId o) {
        return address.compareTo(o.address);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemberId m && address.equals(m.address);
    }

    @Override
    public int hashCode() {
        return address.hashCode();
    }

    @Override
    public String toString() {
        return String.valueOf(address);
    }
}
