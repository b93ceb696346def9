package dev.tessera.grid.spring.boot;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server on 127.0.0.1 (UDP, an ephemeral port) that answers A queries for the names it is given, as the
 * cluster DNS answers for a Kubernetes headless Service (one A record per pod), and NXDOMAIN for any other name.
 * Just enough of RFC 1035 for JNDI's DNS client, which JGroups' DNS_PING uses when given a server address.
 */
final class LocalDnsServer implements AutoCloseable {
    private static final int TYPE_A = 1;
    private final DatagramSocket socket;
    private final Map<String, List<InetAddress>> records = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
    private final Thread thread;

    LocalDnsServer() throws SocketException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "test-dns-server");
        thread.setDaemon(true);
        thread.start();
    }

    /** {@code host:port} for {@code tessera.transport.dns.server}. */
    String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    void answer(String name, List<InetAddress> addresses) {
        records.put(key(name), List.copyOf(addresses));
    }

    /** A queries received for {@code name}, answered or not. */
    int queriesFor(String name) {
        AtomicInteger n = queries.get(key(name));
        return n == null ? 0 : n.get();
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private void serve() {
        byte[] buf = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(in);
                byte[] reply = reply(buf, in.getLength());
                if (reply != null) {
                    socket.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
                }
            } catch (Exception e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    /** The answer to one query: header, the question echoed, and an A record per address (or NXDOMAIN). */
    private byte[] reply(byte[] q, int len) {
        if (len < 12 || ((q[4] << 8) | (q[5] & 0xff)) != 1) {
            return null; // exactly one question, as resolvers send
        }
        StringBuilder name = new StringBuilder();
        int i = 12;
        while (i < len && q[i] != 0) {
            int label = q[i] & 0xff;
            name.append(new String(q, i + 1, label, java.nio.charset.StandardCharsets.US_ASCII)).append('.');
            i += label + 1;
        }
        int questionEnd = i + 5; // zero byte, type (2), class (2)
        if (questionEnd > len) {
            return null;
        }
        int type = ((q[i + 1] & 0xff) << 8) | (q[i + 2] & 0xff);
        String key = key(name.toString());
        if (type == TYPE_A) {
            queries.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }
        List<InetAddress> found = type == TYPE_A ? records.get(key) : null;
        boolean known = records.containsKey(key);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(q[0]);
        out.write(q[1]); // the query's id
        out.write(0x84 | (q[2] & 0x01)); // response, authoritative, recursion desired as asked
        out.write(known ? 0x00 : 0x03); // NOERROR or NXDOMAIN
        writeShort(out, 1); // one question
        writeShort(out, found == null ? 0 : found.size());
        writeShort(out, 0);
        writeShort(out, 0);
        out.write(q, 12, questionEnd - 12);
        if (found != null) {
            for (InetAddress a : found) {
                writeShort(out, 0xC00C); // name: pointer to the question's
                writeShort(out, TYPE_A);
                writeShort(out, 1); // IN
                writeShort(out, 0);
                writeShort(out, 0); // TTL 0: every lookup comes here
                writeShort(out, 4);
                out.write(a.getAddress(), 0, 4);
            }
        }
        return out.toByteArray();
    }

    private static void writeShort(ByteArrayOutputStream out, int v) {
        out.write((v >> 8) & 0xff);
        out.write(v & 0xff);
    }

    @Override
    public void close() {
        socket.close();
    }
}
