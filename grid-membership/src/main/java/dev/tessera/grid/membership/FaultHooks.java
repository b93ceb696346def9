package dev.tessera.grid.membership;

import java.util.Set;
import java.util.stream.Collectors;
import org.jgroups.Address;
import org.jgroups.Message;
import org.jgroups.protocols.DROP;
import org.jgroups.protocols.TP;
import org.jgroups.stack.ProtocolStack;

/**
 * Fault injection for tests and drills: a {@link DROP} protocol right above the transport of every stack drops the
 * traffic to and from the members it is told to ({@link #isolate}), or everything ({@link #dropEverything}), so
 * failure detection sees the messages missing as it would on a real network.
 */
final class FaultHooks {
    private volatile Set<Address> unreachable = Set.of(); // JGroups addresses: compared with each frame's
    private volatile Set<MemberId> unreachableIds = Set.of();
    private volatile boolean dropAll;

    void install(ProtocolStack stack) throws Exception {
        DROP drop = new DROP();
        drop.addUpFilter(this::dropIncoming);
        drop.addDownFilter(this::dropOutgoing);
        stack.insertProtocol(drop, ProtocolStack.Position.ABOVE, TP.class);
    }

    void isolate(Set<MemberId> members) {
        unreachableIds = Set.copyOf(members);
        unreachable = members.stream().map(MemberId::address).collect(Collectors.toUnmodifiableSet());
    }

    Set<MemberId> isolated() {
        return unreachableIds;
    }

    /** From now on nothing goes in or out (a simulated kill -9). */
    void dropEverything() {
        dropAll = true;
    }

    private boolean dropIncoming(Message m) {
        return dropAll || (!unreachable.isEmpty() && m.getSrc() != null && unreachable.contains(m.getSrc()));
    }

    private boolean dropOutgoing(Message m) {
        return dropAll || (!unreachable.isEmpty() && m.getDest() != null && unreachable.contains(m.getDest()));
    }
}
