package dev.tessera.grid.core.wire;

import static dev.tessera.grid.core.wire.FieldCodecs.MAX_ENTRIES;
import static dev.tessera.grid.core.wire.FieldCodecs.readBytes;
import static dev.tessera.grid.core.wire.FieldCodecs.readCount;
import static dev.tessera.grid.core.wire.FieldCodecs.readString;
import static dev.tessera.grid.core.wire.FieldCodecs.write;
import static dev.tessera.grid.core.wire.FieldCodecs.writeBytes;
import static dev.tessera.grid.core.wire.FieldCodecs.writeString;

import java.io.DataInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The query protocol: a map's size and a partition's entries, read at the members that hold them. */
public final class QueryMessages {
    private QueryMessages() {}

    /** How many live entries of {@code map} sit in partitions the receiver is primary of. */
    public record SizeQuery(String map) {
        public byte[] encode() {
            return write(MessageType.SIZE_QUERY, 16, out -> writeString(out, map));
        }

        static SizeQuery decode(DataInput in) throws IOException {
            return new SizeQuery(readString(in));
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
}
