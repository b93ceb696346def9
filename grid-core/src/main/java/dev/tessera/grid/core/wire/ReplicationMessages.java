package dev.tessera.grid.core.wire;

import static dev.tessera.grid.core.wire.FieldCodecs.MAX_ENTRIES;
import static dev.tessera.grid.core.wire.FieldCodecs.len;
import static dev.tessera.grid.core.wire.FieldCodecs.readAddress;
import static dev.tessera.grid.core.wire.FieldCodecs.readBytes;
import static dev.tessera.grid.core.wire.FieldCodecs.readCount;
import static dev.tessera.grid.core.wire.FieldCodecs.readString;
import static dev.tessera.grid.core.wire.FieldCodecs.write;
import static dev.tessera.grid.core.wire.FieldCodecs.writeAddress;
import static dev.tessera.grid.core.wire.FieldCodecs.writeBytes;
import static dev.tessera.grid.core.wire.FieldCodecs.writeString;

import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.store.Record;
import java.io.DataInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import dev.tessera.grid.membership.MemberId;

/**
 * The replication protocol: a primary copies writes to its replicas ({@link Replicate}, acknowledged
 * by {@link ReplicateResponse}), a new primary fences its predecessor ({@link Fence}), and every
 * member drops a destroyed map ({@link DestroyMap}). {@link WriteBehindFlushed} belongs here too.
 */
public final class ReplicationMessages {
    private ReplicationMessages() {}

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

    /**
     * A copy of writes from a partition's primary to a replica (a backup copy or a migration chunk). A
     * backup copy of a single write from another member may carry that write's {@code reply}: the
     * replica, once it applied the copy, answers the caller itself (see {@link ForwardedReply}). The first chunk of a
     * migration announces how many records the partition's map holds ({@code announcedEntries}, 0 otherwise), so the
     * target sizes its store once instead of growing it chunk by chunk.
     */
    public record Replicate(long tableVersion, String map, MapConfig config, int partition, List<ReplicaEntry> entries,
                            ForwardedReply reply, int announcedEntries) {
        public Replicate(long tableVersion, String map, MapConfig config, int partition, List<ReplicaEntry> entries) {
            this(tableVersion, map, config, partition, entries, null, 0);
        }

        public Replicate(long tableVersion, String map, MapConfig config, int partition, List<ReplicaEntry> entries,
                         ForwardedReply reply) {
            this(tableVersion, map, config, partition, entries, reply, 0);
        }

        /** The copy with the full map header, which any member can read: migration chunks and merges. */
        public byte[] encode() {
            return encode(false);
        }

        /** The digest that names this copy's map and configuration on the wire. */
        public long mapDigest() {
            return MapHeaders.digest(map, config);
        }

        /**
         * The copy, with the short map header if {@code receiverKnowsMap}, else the full one (see
         * {@link ClientMessages.ClientOp#encode(boolean)}).
         */
        public byte[] encode(boolean receiverKnowsMap) {
            int size = 37 + (reply == null ? 0 : 40 + reply.reply.length);
            for (ReplicaEntry e : entries) {
                size += 44 + len(e.key) + len(e.value);
            }
            return write(MessageType.REPLICATE, size, out -> {
                out.writeLong(tableVersion);
                MapHeaders.write(out, map, config, receiverKnowsMap);
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
                    writeAddress(out, reply.caller);
                    out.writeLong(reply.requestId);
                    writeBytes(out, reply.reply);
                }
                out.writeInt(announcedEntries);
            });
        }

        /**
         * The table version of an encoded {@link Replicate} without decoding its entries, or -1 if
         * {@code message} is not one: a receiver that has not applied that table yet answers RETRY
         * without paying for the decode.
         */
        public static long peekTableVersion(byte[] message) {
            if (message.length < 9 || Messages.typeOf(message) != MessageType.REPLICATE) {
                return -1;
            }
            try {
                return new WireInput(message, 1, 8).readLong();
            } catch (IOException e) {
                return -1;
            }
        }

        static Replicate decode(DataInput in) throws IOException {
            return decode(in, false);
        }

        /** @param mustBeFull whether a short map header is malformed here (a merge's copies always carry the full one) */
        static Replicate decode(DataInput in, boolean mustBeFull) throws IOException {
            long tv = in.readLong();
            MapHeaders.Header header = MapHeaders.read(in, mustBeFull);
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
                MemberId caller = readAddress(in, "caller address", MessageType.REPLICATE);
                long requestId = in.readLong();
                byte[] bytes = readBytes(in);
                if (caller == null || bytes == null) {
                    throw new MalformedMessageException("REPLICATE carries a reply without caller or body");
                }
                reply = new ForwardedReply(caller, requestId, bytes);
            }
            int announced = in.readInt();
            if (announced < 0) {
                throw new MalformedMessageException("REPLICATE announces " + announced + " entries");
            }
            return new Replicate(tv, map, config, partition, entries, reply, announced);
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
    public record ForwardedReply(MemberId caller, long requestId, byte[] reply) {
    }

    /** Reply to {@link Replicate}, {@link Fence} and {@link DestroyMap}. */
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
}
