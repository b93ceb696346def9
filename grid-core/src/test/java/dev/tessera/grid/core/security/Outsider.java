package dev.tessera.grid.core.security;

import dev.tessera.grid.core.TesseraGrid;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import dev.tessera.grid.membership.MemberId;
import org.jgroups.BytesMessage;
import org.jgroups.Event;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.PhysicalAddress;
import org.jgroups.Receiver;
import org.jgroups.protocols.TCP;

/**
 * An attacker on 127.0.0.1 who never joins: a bare JGroups TCP transport with the cluster's name and no membership
 * protocol, so it is in no view, writing frames straight to a member's socket under any sender address it likes.
 * Counts what it receives back.
 */
final class Outsider implements AutoCloseable {
    /** ClusterChannel's frame types: a request (type, 8-byte id, body) and a one-way message (type, body). */
    private static final byte REQUEST = 1;
    private static final byte MESSAGE = 5;

    private final JChannel channel;
    final AtomicInteger received = new AtomicInteger();

    private Outsider(JChannel channel) {
        this.channel = channel;
    }

    static Outsider connect(String clusterName) throws Exception {
        TCP transport = new TCP();
        transport.setBindAddress(InetAddress.getLoopbackAddress());
        transport.setBindPort(0);
        transport.setValue("bundler_type", "no-bundler"); // written on the caller's thread: no queue to overflow
        Outsider o = new Outsider(new JChannel(transport));
        o.channel.setReceiver(new Receiver() {
            @Override
            public void receive(Message msg) {
                o.received.incrementAndGet();
            }
        });
        o.channel.connect(clusterName);
        return o;
    }

    /** Learns where {@code victim} listens; returns its address and socket. */
    PhysicalAddress aimAt(TesseraGrid victim) {
        MemberId address = victim.topology().self();
        PhysicalAddress socket = (PhysicalAddress) victim.channel().jgroupsChannel()
                .down(new Event(Event.GET_PHYSICAL_ADDRESS, address.address()));
        channel.getProtocolStack().getTransport().addPhysicalAddressToCache(address.address(), socket);
        return socket;
    }

    void send(MemberId to, byte[] frame, MemberId as) throws Exception {
        channel.send(new BytesMessage(to.address(), frame).setSrc(as.address()));
    }

    MemberId id() {
        return MemberId.of(channel.getAddress());
    }

    static byte[] oneWay(byte[] body) {
        byte[] frame = new byte[1 + body.length];
        frame[0] = MESSAGE;
        System.arraycopy(body, 0, frame, 1, body.length);
        return frame;
    }

    static byte[] request(long id, byte[] body) {
        return ByteBuffer.allocate(9 + body.length).put(REQUEST).putLong(id).put(body).array();
    }

    @Override
    public void close() {
        channel.close();
    }
}
