package dev.tessera.grid.core.wire;

import static dev.tessera.grid.core.wire.FieldCodecs.len;
import static dev.tessera.grid.core.wire.FieldCodecs.readAddress;
import static dev.tessera.grid.core.wire.FieldCodecs.readBytes;
import static dev.tessera.grid.core.wire.FieldCodecs.readString;
import static dev.tessera.grid.core.wire.FieldCodecs.write;
import static dev.tessera.grid.core.wire.FieldCodecs.writeAddress;
import static dev.tessera.grid.core.wire.FieldCodecs.writeBytes;
import static dev.tessera.grid.core.wire.FieldCodecs.writeString;

import dev.tessera.grid.MapConfig;
import java.io.DataInput;
import java.io.IOException;
import dev.tessera.grid.membership.MemberId;

/**
 * The client-op protocol: a caller sends a single-key operation ({@link OpCode}) to the partition's
 * primary, which answers with an {@link OpResponse} (or has a backup answer for it, see
 * {@link ReplicationMessages.ForwardedReply}).
 */
public final class ClientMessages {
    private ClientMessages() {}

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
                           MemberId origin, long ttlMillis) {
        /** An operation with the map's default time-to-live. */
        public ClientOp(long tableVersion, String map, MapConfig config, int partition, OpCode code,
                        byte[] key, byte[] value, byte[] expected, long expectedVersion, long deadlineMillis,
                        MemberId origin) {
            this(tableVersion, map, config, partition, code, key, value, expected, expectedVersion, deadlineMillis, origin, 0);
        }

        /** The operation with the full map header, which any member can read. */
        public byte[] encode() {
            return encode(false);
        }

        /**
         * The operation, with the short map header if {@code receiverKnowsMap} (the receiver answered a message with
         * the full one before), else the full one. A receiver that does not know it answers {@link Status#UNKNOWN_CONFIG}.
         */
        public byte[] encode(boolean receiverKnowsMap) {
            return write(MessageType.CLIENT_OP, 80 + len(key) + len(value) + len(expected), out -> {
                out.writeLong(tableVersion);
                MapHeaders.write(out, map, config, receiverKnowsMap);
                out.writeInt(partition);
                out.writeByte(code.id);
                writeBytes(out, key);
                writeBytes(out, value);
                writeBytes(out, expected);
                out.writeLong(expectedVersion);
                out.writeLong(deadlineMillis);
                writeAddress(out, origin);
                out.writeLong(ttlMillis);
            });
        }

        /** The digest that names this operation's map and configuration on the wire. */
        public long mapDigest() {
            return MapHeaders.digest(map, config);
        }

        static ClientOp decode(DataInput in) throws IOException {
            long tv = in.readLong();
            MapHeaders.Header header = MapHeaders.read(in, false);
            String map = header.map();
            MapConfig config = header.config();
            int partition = in.readInt();
            OpCode code = OpCode.of(in.readByte());
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            byte[] expected = readBytes(in);
            long expectedVersion = in.readLong();
            long deadline = in.readLong();
            MemberId origin = readAddress(in, "origin address", MessageType.CLIENT_OP);
            return new ClientOp(tv, map, config, partition, code, key, value, expected, expectedVersion, deadline,
                    origin, in.readLong());
        }
    }

    /**
     * Reply to a {@link ClientOp} or {@link QueryMessages.EntriesQuery} failure.
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
}
