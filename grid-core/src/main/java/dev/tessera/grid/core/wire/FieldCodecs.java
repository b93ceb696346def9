package dev.tessera.grid.core.wire;

import dev.tessera.grid.EvictionConfig;
import dev.tessera.grid.EvictionPolicy;
import dev.tessera.grid.GridBuilder;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.MapStoreConfig;
import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.SplitBrainMode;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import dev.tessera.grid.membership.MemberId;

/**
 * The field encodings every message shares: the message frame, length-prefixed bytes and strings,
 * bounded counts, member addresses and the map header ({@link MapConfig}) codec. Readers validate
 * what they read and throw {@link MalformedMessageException}, so no message codec repeats a check.
 */
final class FieldCodecs {
    /** Upper bound on one byte-array field (keys, values): 64 MiB, the largest value a caller may send. */
    static final int MAX_FIELD = GridBuilder.MAX_VALUE_BYTES;
    /** Upper bound on the entries of one replication or entries message. */
    static final int MAX_ENTRIES = 1 << 20;
    private static final SplitBrainMode[] SPLIT_BRAIN_MODES = SplitBrainMode.values();
    private static final EvictionPolicy[] EVICTION_POLICIES = EvictionPolicy.values();
    private static final MapStoreConfig.WriteMode[] WRITE_MODES = MapStoreConfig.WriteMode.values();

    private FieldCodecs() {}

    /** A message's fields, written after its id byte. */
    @FunctionalInterface
    interface Body {
        void write(DataOutput out) throws IOException;
    }

    /** The message: {@code type}'s id byte, then {@code body}; {@code sizeHint} sizes the buffer. */
    static byte[] write(MessageType type, int sizeHint, Body body) {
        WireOutput out = new WireOutput(Math.max(16, sizeHint));
        try {
            out.writeByte(type.id);
            body.write(out);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory encoding failed", e);
        }
        return out.toByteArray();
    }

    /** The length of a nullable byte array field's content, for size hints. */
    static int len(byte[] b) {
        return b == null ? 0 : b.length;
    }

    // ---- bytes, strings, counts ----

    /** A length ({@code -1} for null), then the bytes. */
    static void writeBytes(DataOutput out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    static byte[] readBytes(DataInput in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > MAX_FIELD) {
            throw new MalformedMessageException("field length " + n + " out of range");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** A count written with {@link DataOutput#writeInt}, checked against {@code max} before anything is allocated. */
    static int readCount(DataInput in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new MalformedMessageException("count " + n + " out of range 0.." + max);
        }
        return n;
    }

    /** UTF-8 bytes as {@link #writeBytes}. */
    static void writeString(DataOutput out, String s) throws IOException {
        writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    static String readString(DataInput in) throws IOException {
        byte[] b = readBytes(in);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    // ---- addresses ----

    static void writeAddress(DataOutput out, MemberId a) throws IOException {
        MemberId.writeNullable(a, out);
    }

    /** @throws MalformedMessageException "bad {@code field} in {@code type}" for an unknown address class */
    static MemberId readAddress(DataInput in, String field, MessageType type) throws IOException {
        try {
            return MemberId.readFrom(in);
        } catch (IOException e) {
            throw new MalformedMessageException("bad " + field + " in " + type, e);
        }
    }

    static void writeAddresses(DataOutput out, List<MemberId> addresses) throws IOException {
        if (addresses == null) {
            out.writeShort(-1);
            return;
        }
        out.writeShort(addresses.size());
        for (MemberId a : addresses) {
            MemberId.writeNullable(a, out);
        }
    }

    /** An immutable list. @throws MalformedMessageException "bad address in {@code type}" for an unknown address class */
    static List<MemberId> readAddresses(DataInput in, MessageType type) throws IOException {
        short n = in.readShort();
        if (n < 0) {
            throw new MalformedMessageException("no address list in " + type);
        }
        List<MemberId> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            try {
                MemberId a = MemberId.readFrom(in);
                if (a == null) {
                    throw new MalformedMessageException("null address in " + type);
                }
                out.add(a);
            } catch (IOException e) {
                throw new MalformedMessageException("bad address in " + type, e);
            }
        }
        return List.copyOf(out);
    }

    // ---- the map header: name and configuration ----

    /**
     * The map header's fields. Messages write the header through {@link MapHeaders}, which caches this
     * encoding. Enums travel by ordinal (WireIdsTest pins them).
     */
    static void writeMapHeaderFields(DataOutput out, String map, MapConfig config) throws IOException {
        writeString(out, map);
        out.writeByte(config.backups());
        out.writeByte(config.asyncBackups());
        out.writeBoolean(config.readFromBackup());
        out.writeByte(config.splitBrainMode().ordinal());
        NearCacheConfig near = config.nearCache();
        out.writeInt(near == null ? 0 : near.maxEntries());
        out.writeLong(near == null || near.timeToLive() == null ? 0 : near.timeToLive().toMillis());
        writeString(out, config.mergePolicy());
        out.writeLong(config.timeToLive() == null ? 0 : config.timeToLive().toMillis());
        out.writeLong(config.maxIdle() == null ? 0 : config.maxIdle().toMillis());
        EvictionConfig ev = config.eviction();
        out.writeByte(ev == null ? -1 : ev.policy().ordinal());
        if (ev != null) {
            out.writeLong(ev.maxEntriesPerMember());
            out.writeLong(ev.maxBytesPerMember());
            out.writeByte(ev.sampleSize());
        }
        MapStoreConfig ms = config.mapStore();
        writeString(out, ms == null ? null : ms.storeName());
        if (ms != null) {
            out.writeByte(ms.writeMode().ordinal());
            out.writeLong(ms.writeDelay().toMillis());
            out.writeInt(ms.writeBatchSize());
            out.writeInt(ms.writeQueueCapacity());
        }
    }

    private static Duration millis(long ms) {
        return ms == 0 ? null : Duration.ofMillis(ms);
    }

    /** The configuration part of the map header (after the name). */
    static MapConfig readConfig(DataInput in) throws IOException {
        try {
            int backups = in.readByte();
            int async = in.readByte();
            boolean readFromBackup = in.readBoolean();
            int mode = in.readByte();
            if (mode < 0 || mode >= SPLIT_BRAIN_MODES.length) {
                throw new MalformedMessageException("unknown split-brain mode " + mode);
            }
            int nearMax = in.readInt();
            long nearTtl = in.readLong();
            NearCacheConfig near = nearMax == 0 ? null
                    : new NearCacheConfig(nearMax, nearTtl == 0 ? null : Duration.ofMillis(nearTtl));
            String mergePolicy = readString(in);
            Duration ttl = millis(in.readLong());
            Duration maxIdle = millis(in.readLong());
            int policy = in.readByte();
            EvictionConfig eviction = null;
            if (policy != -1) {
                if (policy < 0 || policy >= EVICTION_POLICIES.length) {
                    throw new MalformedMessageException("unknown eviction policy " + policy);
                }
                eviction = new EvictionConfig(EVICTION_POLICIES[policy], in.readLong(), in.readLong(), in.readByte());
            }
            String storeName = readString(in);
            MapStoreConfig store = null;
            if (storeName != null) {
                int wm = in.readByte();
                if (wm < 0 || wm >= WRITE_MODES.length) {
                    throw new MalformedMessageException("unknown map store write mode " + wm);
                }
                store = new MapStoreConfig(storeName, WRITE_MODES[wm], Duration.ofMillis(in.readLong()),
                        in.readInt(), in.readInt());
            }
            return new MapConfig(backups, async, readFromBackup, SPLIT_BRAIN_MODES[mode], near, mergePolicy,
                    ttl, maxIdle, eviction, store);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("bad map config: " + e.getMessage(), e);
        }
    }
}
