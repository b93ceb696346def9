package dev.tessera.bench;

import dev.tessera.grid.membership.BenchStack;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.util.NameCache;

/**
 * The floor (issue 17, store {@code jgroups-raw}): a raw request/response over the JGroups stack Tessera builds
 * ({@link BenchStack}), with the flags of Tessera's inline requests, so requests and replies are handled on the
 * thread that read them. Every get and put of the driver is one round trip to the one answering member {@code m2},
 * which serves it from a {@code ConcurrentHashMap<String, byte[]>}: a get returns the 100-byte value, a put stores
 * it and acknowledges (no backup, no partition table, no serialization beyond the key's bytes). No grid on this
 * JGroups stack can answer a remote operation faster; Tessera's remote-get p50 and W2 throughput are reported as
 * ratios to it. Frames: {@code [kind][request id: long][body]}.
 */
public final class RawStore implements Store, ClusterProbe {
    private static final byte GET = 1;
    private static final byte SET = 2;
    private static final byte PUT_ALL = 3;
    private static final byte SIZE = 4;
    private static final byte REPLY = 5;
    private static final String SERVER = "m2";

    private final JChannel channel;
    private final Map<String, byte[]> data = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile Address server;

    public RawStore(int index, int members, int basePort) {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            hosts.add("127.0.0.1[" + (basePort + i) + "]");
        }
        try {
            channel = BenchStack.channel("bench-raw", "m" + index, basePort + index - 1, hosts);
            channel.setReceiver(new Receiver() {
                @Override
                public void receive(Message msg) {
                    onMessage(msg);
                }
            });
            channel.connect("bench-raw");
        } catch (Exception e) {
            throw new IllegalStateException("jgroups-raw: cannot start m" + index + ": " + e, e);
        }
    }

    private void onMessage(Message msg) {
        ByteBuffer in = ByteBuffer.wrap(msg.getArray(), msg.getOffset(), msg.getLength());
        byte kind = in.get();
        long id = in.getLong();
        if (kind == REPLY) {
            byte[] body = new byte[in.remaining()];
            in.get(body);
            CompletableFuture<byte[]> f = pending.remove(id);
            if (f != null) {
                f.complete(body);
            }
            return;
        }
        byte[] reply = switch (kind) {
            case GET -> {
                byte[] v = data.get(key(in));
                yield v == null ? new byte[0] : v;
            }
            case SET -> {
                String k = key(in);
                data.put(k, rest(in));
                yield new byte[0];
            }
            case PUT_ALL -> {
                int n = in.getInt();
                for (int i = 0; i < n; i++) {
                    String k = key(in);
                    byte[] v = new byte[in.getInt()];
                    in.get(v);
                    data.put(k, v);
                }
                yield new byte[0];
            }
            case SIZE -> ByteBuffer.allocate(4).putInt(data.size()).array();
            default -> throw new IllegalStateException("unknown frame kind " + kind);
        };
        send(msg.getSrc(), REPLY, id, reply);
    }

    private static String key(ByteBuffer in) {
        int n = in.getShort();
        String k = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.ISO_8859_1);
        in.position(in.position() + n);
        return k;
    }

    private static byte[] rest(ByteBuffer in) {
        byte[] b = new byte[in.remaining()];
        in.get(b);
        return b;
    }

    private void send(Address to, byte kind, long id, byte[] body) {
        byte[] frame = new byte[9 + body.length];
        ByteBuffer.wrap(frame).put(kind).putLong(id).put(body);
        try {
            channel.send(new BytesMessage(to, frame).setFlag(BenchStack.INLINE_FLAGS));
        } catch (Exception e) {
            throw new IllegalStateException("jgroups-raw: send failed: " + e, e);
        }
    }

    /** One round trip to the answering member. */
    private byte[] call(byte kind, byte[] body) {
        long id = ids.incrementAndGet();
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        pending.put(id, f);
        send(server(), kind, id, body);
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            pending.remove(id);
            throw new IllegalStateException("jgroups-raw: no reply: " + e, e);
        }
    }

    private Address server() {
        Address s = server;
        if (s == null) {
            for (Address a : channel.getView().getMembers()) {
                if (SERVER.equals(NameCache.get(a))) {
                    server = s = a;
                }
            }
            if (s == null) {
                throw new IllegalStateException("jgroups-raw: no member " + SERVER + " in " + channel.getView());
            }
        }
        return s;
    }

    private static byte[] keyFrame(String key, int extra) {
        byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = new byte[2 + k.length + extra];
        ByteBuffer.wrap(b).putShort((short) k.length).put(k);
        return b;
    }

    @Override
    public String kind() {
        return "jgroups-raw";
    }

    @Override
    public byte[] get(String key) {
        byte[] v = call(GET, keyFrame(key, 0));
        return v.length == 0 ? null : v;
    }

    @Override
    public void set(String key, byte[] value) {
        byte[] b = keyFrame(key, value.length);
        System.arraycopy(value, 0, b, b.length - value.length, value.length);
        call(SET, b);
    }

    @Override
    public void putAll(Map<String, byte[]> batch) {
        int size = 4;
        for (Map.Entry<String, byte[]> e : batch.entrySet()) {
            size += 2 + e.getKey().length() + 4 + e.getValue().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).putInt(batch.size());
        for (Map.Entry<String, byte[]> e : batch.entrySet()) {
            byte[] k = e.getKey().getBytes(StandardCharsets.ISO_8859_1);
            b.putShort((short) k.length).put(k).putInt(e.getValue().length).put(e.getValue());
        }
        call(PUT_ALL, b.array());
    }

    @Override
    public int size() {
        return ByteBuffer.wrap(call(SIZE, new byte[0])).getInt();
    }

    @Override
    public void awaitRedundancy(Duration timeout) {
        // nothing to replicate
    }

    // ---- ClusterProbe: one "partition", whose primary is the answering member (every get and put is remote) ----

    @Override
    public int partitionCount() {
        return 1;
    }

    @Override
    public int partitionOf(String key) {
        return 0;
    }

    @Override
    public List<String> memberNames() {
        List<String> out = new ArrayList<>();
        for (Address a : channel.getView().getMembers()) {
            out.add(NameCache.get(a));
        }
        return out;
    }

    @Override
    public String[][] replicas(int backups) {
        String[][] r = new String[1][1 + backups];
        r[0][0] = SERVER;
        return r;
    }

    @Override
    public boolean migrating() {
        return false;
    }

    @Override
    public int pendingMigrations() {
        return 0;
    }

    @Override
    public boolean replicasInSync() {
        return true;
    }

    @Override
    public long stateStamp() {
        return channel.getView().getViewId().getId();
    }

    @Override
    public long migrationEvents() {
        return 0;
    }

    @Override
    public void onMemberJoined(Consumer<String> listener) {
        throw new UnsupportedOperationException("jgroups-raw runs W1 and W2 only");
    }

    @Override
    public void close() {
        channel.close();
    }
}
