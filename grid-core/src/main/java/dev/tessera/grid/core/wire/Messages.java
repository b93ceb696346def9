package dev.tessera.grid.core.wire;

import dev.tessera.grid.EvictionConfig;
import dev.tessera.grid.EvictionPolicy;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.MapStoreConfig;
import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.Record;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jgroups.Address;
import org.jgroups.util.ByteArrayDataInputStream;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.jgroups.util.Util;

/**
 * The messages members exchange, and their binary form: a {@link MessageType} byte, then the fields.
 * Decoding validates lengths and ids and throws {@link MalformedMessageException} for anything
 * malformed, so a hostile or corrupt message never reaches a store.
 */
public final class Messages {
    /** Upper bound on one byte-array field (keys, values): 64 MiB, the largest value a caller may send. */
    static final int MAX_FIELD = dev.tessera.grid.GridBuilder.MAX_VALUE_BYTES;
    /** Upper bound on the entries of one replication or entries message. */
    static final int MAX_ENTRIES = 1 << 20;
    private static final SplitBrainMode[] SPLIT_BRAIN_MODES = SplitBrainMode.values();
    private static final EvictionPolicy[] EVICTION_POLICIES = EvictionPolicy.values();
    private static final MapStoreConfig.WriteMode[] WRITE_MODES = MapStoreConfig.WriteMode.values();

    private Messages() {}

    /**
     * A single-key operation sent to the primary of {@code partition}.
     *
     * @param deadlineMillis absolute wall-clock time ({@link System#currentTimeMillis()}) after which the
     *                       caller has given up on the operation: a primary that receives it later (the
     *                       transport may deliver it long after it was sent, e.g. after a split heals) must
     *                       not apply it
     * @param origin         the member that routed the operation with the table of version {@code tableVersion}
     * @param ttlMillis      a write's time-to-live for this entry, or 0 for the map's default
     */
    public record ClientOp(long tableVersion, String map, MapConfig config, int partition, OpCode code,
                           byte[] key, byte[] value, byte[] expected, long expectedVersion, long deadlineMillis,
                           Address origin, long ttlMillis) {
        /** An operation with the map's default time-to-live. */
        public ClientOp(long tableVersion, String map, MapConfig config, int partition, OpCode code,
                        byte[] key, byte[] value, byte[] expected, long expectedVersion, long deadlineMillis,
                        Address origin) {
            this(tableVersion, map, config, partition, code, key, value, expected, expectedVersion, deadlineMillis, origin, 0);
        }

        public byte[] encode() {
            return write(MessageType.CLIENT_OP, 80 + len(key) + len(value) + len(expected), out -> {
                out.writeLong(tableVersion);
                writeMapHeader(out, map, config);
                out.writeInt(partition);
                out.writeByte(code.id);
                writeBytes(out, key);
                writeBytes(out, value);
                writeBytes(out, expected);
                out.writeLong(expectedVersion);
                out.writeLong(deadlineMillis);
                Util.writeAddress(origin, out);
                out.writeLong(ttlMillis);
            });
        }

        static ClientOp decode(DataInput in) throws IOException {
            long tv = in.readLong();
            MapHeaders.Header header = MapHeaders.read(in);
            String map = header.map();
            MapConfig config = header.config();
            int partition = in.readInt();
            OpCode code = OpCode.of(in.readByte());
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            byte[] expected = readBytes(in);
            long expectedVersion = in.readLong();
            long deadline = in.readLong();
            try {
                return new ClientOp(tv, map, config, partition, code, key, value, expected, expectedVersion, deadline,
                        Util.readAddress(in), in.readLong());
            } catch (ClassNotFoundException e) {
                throw new MalformedMessageException("bad origin address in CLIENT_OP", e);
            }
        }
    }

    /**
     * Reply to a {@link ClientOp} or {@link EntriesQuery} failure.
     *
     * <p>{@code flag} is the operation's boolean result when {@code status} is OK. On a refusal
     * ({@link Status#UNAVAILABLE}, {@link Status#WRONG_OWNER}) it marks that the responder had already
     * applied the write to its store when it refused: the write may survive, its outcome is unknown
     * ({@link #appliedThenRefused}, {@link #mayHaveBeenApplied()}).
     */
    public record OpResponse(Status status, boolean flag, byte[] value, long version, long tableVersion, String error,
                             long expiresAt) {
        /** A response about an entry that does not expire (or not about an entry). */
        public OpResponse(Status status, boolean flag, byte[] value, long version, long tableVersion, String error) {
            this(status, flag, value, version, tableVersion, error, 0);
        }

        public static OpResponse status(Status s, long tableVersion) {
            return new OpResponse(s, false, null, 0, tableVersion, null);
        }

        /** A refusal ({@code s} is not OK) of a write the responder had already applied locally. */
        public static OpResponse appliedThenRefused(Status s, long tableVersion, String error) {
            if (s == Status.OK) {
                throw new IllegalArgumentException("not a refusal: " + s);
            }
            return new OpResponse(s, true, null, 0, tableVersion, error);
        }

        /** For a refusal: whether the responder had applied the write before refusing it. */
        public boolean mayHaveBeenApplied() {
            return status != Status.OK && flag;
        }

        public byte[] encode() {
            return write(MessageType.OP_RESPONSE, 24 + len(value), out -> {
                out.writeByte(status.id);
                out.writeBoolean(flag);
                writeBytes(out, value);
                out.writeLong(version);
                out.writeLong(tableVersion);
                writeString(out, error);
                out.writeLong(expiresAt);
            });
        }

        static OpResponse decode(DataInput in) throws IOException {
            return new OpResponse(Status.of(in.readByte()), in.readBoolean(), readBytes(in), in.readLong(), in.readLong(),
                    readString(in), in.readLong());
        }
    }

    /** One replicated entry; a {@code null} value is a removal (tombstone). */
    public record ReplicaEntry(byte[] key, byte[] value, long version, long hlc, long expiresAt, long staleUntil,
                               int loadMillis) {
        /** An entry that never expires. */
        public ReplicaEntry(byte[] key, byte[] value, long version, long hlc) {
            this(key, value, version, hlc, 0, 0, 0);
        }

        /** An entry that expires at {@code expiresAt} (0: never) and was not loaded. */
        public ReplicaEntry(byte[] key, byte[] value, long version, long hlc, long expiresAt) {
            this(key, value, version, hlc, expiresAt, 0, 0);
        }

        /** The entry's copy of {@code r}. */
        public static ReplicaEntry of(byte[] key, Record r) {
            return new ReplicaEntry(key, r.value(), r.version(), r.hlc(), r.expiresAt(), r.staleUntil(), r.loadMillis());
        }
    }

    /** Copies of writes, from a partition's primary to its backups and migration targets. */
    /**
     * A copy of writes from a partition's primary to a replica (a backup copy or a migration chunk). A
     * backup copy of a single write from another member may carry that write's {@code reply}: the
     * replica, once it applied the copy, answers the caller itself (see {@link ForwardedReply}).
     */
    public record Replicate(long tableVersion, String map, MapConfig config, int partition, List<ReplicaEntry> entries,
                            ForwardedReply reply) {
        public Replicate(long tableVersion, String map, MapConfig config, int partition, List<ReplicaEntry> entries) {
            this(tableVersion, map, config, partition, entries, null);
        }

        public byte[] encode() {
            int size = 33 + (reply == null ? 0 : 40 + reply.reply.length);
            for (ReplicaEntry e : entries) {
                size += 44 + len(e.key) + len(e.value);
            }
            return write(MessageType.REPLICATE, size, out -> {
                out.writeLong(tableVersion);
                writeMapHeader(out, map, config);
                out.writeInt(partition);
                out.writeInt(entries.size());
                for (ReplicaEntry e : entries) {
                    writeBytes(out, e.key);
                    writeBytes(out, e.value);
                    out.writeLong(e.version);
                    out.writeLong(e.hlc);
                    out.writeLong(e.expiresAt);
                    out.writeLong(e.staleUntil);
                    out.writeInt(e.loadMillis);
                }
                out.writeBoolean(reply != null);
                if (reply != null) {
                    Util.writeAddress(reply.caller, out);
                    out.writeLong(reply.requestId);
                    writeBytes(out, reply.reply);
                }
            });
        }

        /**
         * The table version of an encoded {@link Replicate} without decoding its entries, or -1 if
         * {@code message} is not one: a receiver that has not applied that table yet answers RETRY
         * without paying for the decode.
         */
        public static long peekTableVersion(byte[] message) {
            if (message.length < 9 || typeOf(message) != MessageType.REPLICATE) {
                return -1;
            }
            try {
                return new ByteArrayDataInputStream(message, 1, 8).readLong();
            } catch (IOException e) {
                return -1;
            }
        }

        static Replicate decode(DataInput in) throws IOException {
            long tv = in.readLong();
            MapHeaders.Header header = MapHeaders.read(in);
            String map = header.map();
            MapConfig config = header.config();
            int partition = in.readInt();
            int n = readCount(in, MAX_ENTRIES);
            List<ReplicaEntry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] key = readBytes(in);
                if (key == null) {
                    throw new MalformedMessageException("replicated entry without key");
                }
                entries.add(new ReplicaEntry(key, readBytes(in), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                        in.readInt()));
            }
            ForwardedReply reply = null;
            if (in.readBoolean()) {
                Address caller;
                try {
                    caller = Util.readAddress(in);
                } catch (ClassNotFoundException e) {
                    throw new MalformedMessageException("bad caller address in REPLICATE", e);
                }
                long requestId = in.readLong();
                byte[] bytes = readBytes(in);
                if (caller == null || bytes == null) {
                    throw new MalformedMessageException("REPLICATE carries a reply without caller or body");
                }
                reply = new ForwardedReply(caller, requestId, bytes);
            }
            return new Replicate(tv, map, config, partition, entries, reply);
        }
    }

    /**
     * The primary's reply to request {@code requestId} of {@code caller}, a single write, carried by the write's
     * copy to its only synchronous backup: the backup sends it to the caller once it applied the copy, so the
     * caller hears of the write after three network hops (caller, primary, backup, caller) instead of four, as
     * Hazelcast's backup acknowledgements do. The backup still acknowledges the copy to the primary, which
     * counts the write as committed only then. The backup sends the reply before its acknowledgement; should
     * the reply still be lost while the acknowledgement arrives (the backup dies between the two sends, or the
     * network cuts backup and caller apart but neither from the primary), the caller gets no answer and its
     * operation times out: {@code GridTimeoutException}, an unknown outcome, for a write that was applied.
     */
    public record ForwardedReply(Address caller, long requestId, byte[] reply) {
    }

    /** Reply to {@link Replicate}. */
    public record ReplicateResponse(Status status, long tableVersion) {
        public byte[] encode() {
            return write(MessageType.REPLICATE_RESPONSE, 10, out -> {
                out.writeByte(status.id);
                out.writeLong(tableVersion);
            });
        }

        static ReplicateResponse decode(DataInput in) throws IOException {
            return new ReplicateResponse(Status.of(in.readByte()), in.readLong());
        }
    }

    /**
     * A partition table published by the coordinator, or returned to a coordinator that asked; in
     * the latter case with the sender's side: the members of its last view before any merge.
     */
    public record TableMessage(MessageType type, PartitionTable table, List<Address> side) {
        public TableMessage(MessageType type, PartitionTable table) {
            this(type, table, List.of());
        }

        public byte[] encode() {
            return write(type, 64 + table.partitionCount() * 8, out -> {
                table.writeTo(out);
                Util.writeAddresses(side, out);
            });
        }

        static TableMessage decode(MessageType type, DataInput in) throws IOException {
            PartitionTable t = PartitionTable.readFrom(in);
            try {
                return new TableMessage(type, t, List.copyOf(Util.readAddresses(in, ArrayList::new)));
            } catch (ClassNotFoundException e) {
                throw new MalformedMessageException("bad address in " + type, e);
            }
        }
    }

    /**
     * A new primary asks its predecessor to stop acting as primary of {@code partitions} with tables
     * older than {@code tableVersion}; answered by a {@link ReplicateResponse} once it has stopped.
     */
    public record Fence(long tableVersion, int[] partitions) {
        public byte[] encode() {
            return write(MessageType.FENCE, 16 + partitions.length * 4, out -> {
                out.writeLong(tableVersion);
                out.writeInt(partitions.length);
                for (int p : partitions) {
                    out.writeInt(p);
                }
            });
        }

        static Fence decode(DataInput in) throws IOException {
            long version = in.readLong();
            int n = readCount(in, MAX_ENTRIES);
            int[] partitions = new int[n];
            for (int i = 0; i < n; i++) {
                partitions[i] = in.readInt();
            }
            return new Fence(version, partitions);
        }
    }

    /** The coordinator asks a member of a side that lost a merge to push its data to {@code target}'s primaries. */
    public record MergeOut(PartitionTable target) {
        public byte[] encode() {
            return write(MessageType.MERGE_OUT, 64 + target.partitionCount() * 8, out -> target.writeTo(out));
        }
    }

    /** Reply to {@link MergeOut}: how many entries were pushed. */
    public record MergeOutDone(long entries) {
        public byte[] encode() {
            return write(MessageType.MERGE_OUT_DONE, 9, out -> out.writeLong(entries));
        }
    }

    /** Entries of a merged-away side, for the primary to merge in by latest update (HLC). */
    public record MergeEntries(Replicate body) {
        public byte[] encode() {
            byte[] b = body.encode();
            b[0] = MessageType.MERGE_ENTRIES.id;
            return b;
        }
    }

    /** The primary of {@code partition} copied everything to the members of {@code target}. */
    public record TransferDone(long tableVersion, int partition, List<Address> target) {
        public byte[] encode() {
            return write(MessageType.TRANSFER_DONE, 64, out -> {
                out.writeLong(tableVersion);
                out.writeInt(partition);
                Util.writeAddresses(target, out);
            });
        }

        static TransferDone decode(DataInput in) throws IOException {
            long tv = in.readLong();
            int p = in.readInt();
            try {
                return new TransferDone(tv, p, List.copyOf(Util.readAddresses(in, ArrayList::new)));
            } catch (ClassNotFoundException e) {
                throw new MalformedMessageException("bad address in TRANSFER_DONE", e);
            }
        }
    }

    /** A member asks the coordinator to move its partitions away before it leaves. */
    public record LeaveRequest(Address member) {
        public byte[] encode() {
            return write(MessageType.LEAVE_REQUEST, 40, out -> Util.writeAddress(member, out));
        }

        static LeaveRequest decode(DataInput in) throws IOException {
            try {
                return new LeaveRequest(Util.readAddress(in));
            } catch (ClassNotFoundException e) {
                throw new MalformedMessageException("bad address in LEAVE_REQUEST", e);
            }
        }
    }

    /** A new coordinator asks a member for the table it holds. */
    public record TableQuery() {
        public byte[] encode() {
            return new byte[] {MessageType.TABLE_QUERY.id};
        }
    }

    /** How many live entries of {@code map} sit in partitions the receiver is primary of. */
    public record SizeQuery(String map) {
        public byte[] encode() {
            return write(MessageType.SIZE_QUERY, 16, out -> writeString(out, map));
        }

        static SizeQuery decode(DataInput in) throws IOException {
            return new SizeQuery(readString(in));
        }
    }

    /** Drop {@code map}: its entries and every per-map structure on the receiver ({@code GridMap.destroy()}). */
    public record DestroyMap(String map) {
        public byte[] encode() {
            return write(MessageType.DESTROY_MAP, 16 + map.length(), out -> writeString(out, map));
        }

        static DestroyMap decode(DataInput in) throws IOException {
            String map = readString(in);
            if (map == null) {
                throw new MalformedMessageException("DESTROY_MAP without a map name");
            }
            return new DestroyMap(map);
        }
    }

    /** Reply to {@link SizeQuery}. */
    public record SizeResponse(long size) {
        public byte[] encode() {
            return write(MessageType.SIZE_RESPONSE, 9, out -> out.writeLong(size));
        }

        static SizeResponse decode(DataInput in) throws IOException {
            return new SizeResponse(in.readLong());
        }
    }

    /** The live entries of one partition of {@code map}, read at its primary. */
    public record EntriesQuery(long tableVersion, String map, int partition) {
        public byte[] encode() {
            return write(MessageType.ENTRIES_QUERY, 32, out -> {
                out.writeLong(tableVersion);
                writeString(out, map);
                out.writeInt(partition);
            });
        }

        static EntriesQuery decode(DataInput in) throws IOException {
            return new EntriesQuery(in.readLong(), readString(in), in.readInt());
        }
    }

    /** Reply to {@link EntriesQuery}: status, then serialized key/value pairs. */
    public record EntriesResponse(Status status, List<byte[]> keys, List<byte[]> values) {
        public byte[] encode() {
            int size = 16;
            for (int i = 0; i < keys.size(); i++) {
                size += 8 + keys.get(i).length + values.get(i).length;
            }
            return write(MessageType.ENTRIES_RESPONSE, size, out -> {
                out.writeByte(status.id);
                out.writeInt(keys.size());
                for (int i = 0; i < keys.size(); i++) {
                    writeBytes(out, keys.get(i));
                    writeBytes(out, values.get(i));
                }
            });
        }

        static EntriesResponse decode(DataInput in) throws IOException {
            Status s = Status.of(in.readByte());
            int n = readCount(in, MAX_ENTRIES);
            List<byte[]> keys = new ArrayList<>(n);
            List<byte[]> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                keys.add(readBytes(in));
                values.add(readBytes(in));
            }
            return new EntriesResponse(s, keys, values);
        }
    }

    /** Keys a primary changed in a near-cached map, with their (map, partition) sequence numbers. */
    public record Invalidations(String map, List<Entry> entries) {
        /** One changed key. */
        public record Entry(int partition, long sequence, byte[] key) {}

        public byte[] encode() {
            int size = 16 + map.length();
            for (Entry e : entries) {
                size += 16 + e.key.length;
            }
            return write(MessageType.INVALIDATIONS, size, out -> {
                writeString(out, map);
                out.writeInt(entries.size());
                for (Entry e : entries) {
                    out.writeInt(e.partition);
                    out.writeLong(e.sequence);
                    writeBytes(out, e.key);
                }
            });
        }

        static Invalidations decode(DataInput in) throws IOException {
            String map = readString(in);
            int n = readCount(in, MAX_ENTRIES);
            List<Entry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int p = in.readInt();
                long seq = in.readLong();
                byte[] key = readBytes(in);
                if (key == null) {
                    throw new MalformedMessageException("invalidation without key");
                }
                entries.add(new Entry(p, seq, key));
            }
            return new Invalidations(map, entries);
        }
    }

    // ---- decoding entry point ----

    /** The type of an encoded message. */
    public static MessageType typeOf(byte[] message) {
        if (message == null || message.length == 0) {
            throw new MalformedMessageException("empty message");
        }
        return MessageType.of(message[0]);
    }

    /** Decodes any message; the result's class tells its type. */
    public static Object decode(byte[] message) {
        MessageType type = typeOf(message);
        if (type == MessageType.TABLE_QUERY && message.length == 1) {
            return new TableQuery(); // JGroups' input stream rejects an empty window
        }
        ByteArrayDataInputStream in = new ByteArrayDataInputStream(message, 1, message.length - 1);
        try {
            Object m = switch (type) {
                case CLIENT_OP -> ClientOp.decode(in);
                case OP_RESPONSE -> OpResponse.decode(in);
                case REPLICATE -> Replicate.decode(in);
                case REPLICATE_RESPONSE -> ReplicateResponse.decode(in);
                case TABLE_UPDATE, TABLE_RESPONSE -> TableMessage.decode(type, in);
                case MERGE_OUT -> new MergeOut(PartitionTable.readFrom(in));
                case MERGE_OUT_DONE -> new MergeOutDone(in.readLong());
                case MERGE_ENTRIES -> new MergeEntries(Replicate.decode(in));
                case INVALIDATIONS -> Invalidations.decode(in);
                case LISTENER_INTERESTS -> EventMessages.ListenerInterests.decode(in);
                case ENTRY_EVENTS -> EventMessages.EntryEvents.decode(in);
                case TRANSFER_DONE -> TransferDone.decode(in);
                case TABLE_QUERY -> new TableQuery();
                case LEAVE_REQUEST -> LeaveRequest.decode(in);
                case FENCE -> Fence.decode(in);
                case SIZE_QUERY -> SizeQuery.decode(in);
                case DESTROY_MAP -> DestroyMap.decode(in);
                case SIZE_RESPONSE -> SizeResponse.decode(in);
                case ENTRIES_QUERY -> EntriesQuery.decode(in);
                case ENTRIES_RESPONSE -> EntriesResponse.decode(in);
                case WRITE_BEHIND_FLUSHED -> WriteBehindFlushed.decode(in);
                case COMPATIBILITY -> CompatibilityInfo.decode(in);
            };
            if (in.available() != 0) {
                throw new MalformedMessageException(type + " has " + in.available() + " trailing bytes");
            }
            return m;
        } catch (MalformedMessageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new MalformedMessageException("cannot decode " + type + ": " + e, e);
        }
    }

    /** Decodes a message that must be of class {@code expected}. */
    public static <T> T decode(byte[] message, Class<T> expected) {
        Object m = decode(message);
        if (!expected.isInstance(m)) {
            throw new MalformedMessageException("expected " + expected.getSimpleName() + ", got " + m.getClass().getSimpleName());
        }
        return expected.cast(m);
    }

    // ---- field codecs ----

    @FunctionalInterface
    interface Body {
        void write(DataOutput out) throws IOException;
    }

    static byte[] write(MessageType type, int sizeHint, Body body) {
        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(Math.max(16, sizeHint), true);
        try {
            out.writeByte(type.id);
            body.write(out);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory encoding failed", e);
        }
        return out.position() == out.buffer().length ? out.buffer() : java.util.Arrays.copyOf(out.buffer(), out.position());
    }

    private static int len(byte[] b) {
        return b == null ? 0 : b.length;
    }

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

    static int readCount(DataInput in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new MalformedMessageException("count " + n + " out of range 0.." + max);
        }
        return n;
    }

    static void writeString(DataOutput out, String s) throws IOException {
        writeBytes(out, s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static String readString(DataInput in) throws IOException {
        byte[] b = readBytes(in);
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    static void writeMapHeader(DataOutput out, String map, MapConfig config) throws IOException {
        MapHeaders.write(out, map, config);
    }

    /** The map header's fields; {@link MapHeaders} caches their encoding. */
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

    private static java.time.Duration millis(long ms) {
        return ms == 0 ? null : java.time.Duration.ofMillis(ms);
    }

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
                    : new NearCacheConfig(nearMax, nearTtl == 0 ? null : java.time.Duration.ofMillis(nearTtl));
            String mergePolicy = readString(in);
            java.time.Duration ttl = millis(in.readLong());
            java.time.Duration maxIdle = millis(in.readLong());
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
                store = new MapStoreConfig(storeName, WRITE_MODES[wm], java.time.Duration.ofMillis(in.readLong()),
                        in.readInt(), in.readInt());
            }
            return new MapConfig(backups, async, readFromBackup, SPLIT_BRAIN_MODES[mode], near, mergePolicy,
                    ttl, maxIdle, eviction, store);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("bad map config: " + e.getMessage(), e);
        }
    }
}
