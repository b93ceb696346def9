package dev.tessera.grid.core.wire;

import static dev.tessera.grid.core.wire.FieldCodecs.MAX_ENTRIES;
import static dev.tessera.grid.core.wire.FieldCodecs.readAddress;
import static dev.tessera.grid.core.wire.FieldCodecs.readBytes;
import static dev.tessera.grid.core.wire.FieldCodecs.readCount;
import static dev.tessera.grid.core.wire.FieldCodecs.readString;
import static dev.tessera.grid.core.wire.FieldCodecs.write;
import static dev.tessera.grid.core.wire.FieldCodecs.writeAddress;
import static dev.tessera.grid.core.wire.FieldCodecs.writeBytes;
import static dev.tessera.grid.core.wire.FieldCodecs.writeString;

import dev.tessera.grid.MapConfig;
import dev.tessera.grid.membership.MemberId;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Whole-map scans in one request stream per member: the caller groups the partitions by their primary
 * in its table and asks each primary once for all of them, a page at a time. The receiver answers each
 * partition whole (OK) or refuses it (WRONG_OWNER, RETRY), so the caller retries exactly the refused ones.
 */
public final class ScanMessages {
    private ScanMessages() {}

    /**
     * Reads {@code partitions[from..]} of {@code map}, which the sender's table of {@code tableVersion} gives
     * to the receiver, until the page holds {@code maxEntries} entries or {@code maxBytes} bytes (a page ends
     * at a partition's end and holds at least one partition). {@code countOnly}: live-entry counts, no entries.
     */
    public record ScanQuery(long tableVersion, String map, int[] partitions, int from, int maxEntries, int maxBytes,
                            boolean countOnly) {
        public byte[] encode() {
            return write(MessageType.SCAN_QUERY, 40 + map.length() + 4 * partitions.length, out -> {
                out.writeLong(tableVersion);
                writeString(out, map);
                writeInts(out, partitions);
                out.writeInt(from);
                out.writeInt(maxEntries);
                out.writeInt(maxBytes);
                out.writeBoolean(countOnly);
            });
        }

        static ScanQuery decode(DataInput in) throws IOException {
            long version = in.readLong();
            String map = readString(in);
            int[] partitions = readInts(in);
            int from = in.readInt();
            if (from < 0 || from > partitions.length) {
                throw new MalformedMessageException("scan cursor " + from + " outside 0.." + partitions.length);
            }
            return new ScanQuery(version, map, partitions, from, in.readInt(), in.readInt(), in.readBoolean());
        }
    }

    /**
     * One partition's answer: OK with its live entries (or only their {@code count}), or a refusal
     * (WRONG_OWNER: not the receiver's; RETRY: the receiver's table is older than the sender's, or a handover
     * or table change is under way) with no entries.
     */
    public record PartitionEntries(int partition, Status status, long count, List<byte[]> keys, List<byte[]> values) {
        public static PartitionEntries refused(int partition, Status status) {
            return new PartitionEntries(partition, status, 0, List.of(), List.of());
        }

        int encodedSize() {
            int size = 24;
            for (int i = 0; i < keys.size(); i++) {
                size += 8 + keys.get(i).length + values.get(i).length;
            }
            return size;
        }
    }

    /**
     * Reply to a {@link ScanQuery}: the answers to {@code partitions[from..next)} in order; {@code next} is the
     * cursor of the following page ({@code partitions.length} when the scan of this member is done).
     */
    public record ScanPage(int next, List<PartitionEntries> partitions) {
        public byte[] encode() {
            int size = 16;
            for (PartitionEntries p : partitions) {
                size += p.encodedSize();
            }
            return write(MessageType.SCAN_PAGE, size, out -> {
                out.writeInt(next);
                out.writeInt(partitions.size());
                for (PartitionEntries p : partitions) {
                    out.writeInt(p.partition());
                    out.writeByte(p.status().id);
                    out.writeLong(p.count());
                    out.writeInt(p.keys().size());
                    for (int i = 0; i < p.keys().size(); i++) {
                        writeBytes(out, p.keys().get(i));
                        writeBytes(out, p.values().get(i));
                    }
                }
            });
        }

        static ScanPage decode(DataInput in) throws IOException {
            int next = in.readInt();
            int n = readCount(in, MAX_ENTRIES);
            List<PartitionEntries> partitions = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int partition = in.readInt();
                Status status = Status.of(in.readByte());
                long count = in.readLong();
                int entries = readCount(in, MAX_ENTRIES);
                List<byte[]> keys = new ArrayList<>(entries);
                List<byte[]> values = new ArrayList<>(entries);
                for (int e = 0; e < entries; e++) {
                    keys.add(readBytes(in));
                    values.add(readBytes(in));
                }
                partitions.add(new PartitionEntries(partition, status, count, keys, values));
            }
            return new ScanPage(next, partitions);
        }
    }

    /**
     * Clears {@code partitions} of {@code map} at the receiver, each as a CLEAR_PARTITION client op routed with
     * the sender's table of {@code tableVersion} (replicated, observed and refused like one).
     *
     * @param deadlineMillis wall-clock time after which the sender has given up (see {@link ClientMessages.ClientOp})
     */
    public record ClearPartitions(long tableVersion, String map, MapConfig config, int[] partitions, long deadlineMillis,
                                  MemberId origin) {
        public byte[] encode() {
            return write(MessageType.CLEAR_PARTITIONS, 96 + 4 * partitions.length, out -> {
                out.writeLong(tableVersion);
                MapHeaders.write(out, map, config, false); // rare: always the full header, answered without a status
                writeInts(out, partitions);
                out.writeLong(deadlineMillis);
                writeAddress(out, origin);
            });
        }

        static ClearPartitions decode(DataInput in) throws IOException {
            long version = in.readLong();
            MapHeaders.Header header = MapHeaders.read(in, true);
            int[] partitions = readInts(in);
            long deadline = in.readLong();
            MemberId origin = readAddress(in, "origin address", MessageType.CLEAR_PARTITIONS);
            return new ClearPartitions(version, header.map(), header.config(), partitions, deadline, origin);
        }

        /** The client op that clears partition {@code p}. */
        public ClientMessages.ClientOp op(int p) {
            return new ClientMessages.ClientOp(tableVersion, map, config, p, OpCode.CLEAR_PARTITION, null, null, null, 0,
                    deadlineMillis, origin);
        }
    }

    /** Reply to {@link ClearPartitions}: the partitions the receiver cleared; the sender retries the others one by one. */
    public record PartitionsCleared(int[] partitions) {
        public byte[] encode() {
            return write(MessageType.PARTITIONS_CLEARED, 8 + 4 * partitions.length, out -> writeInts(out, partitions));
        }

        static PartitionsCleared decode(DataInput in) throws IOException {
            return new PartitionsCleared(readInts(in));
        }
    }

    private static void writeInts(DataOutput out, int[] values) throws IOException {
        out.writeInt(values.length);
        for (int v : values) {
            out.writeInt(v);
        }
    }

    private static int[] readInts(DataInput in) throws IOException {
        int[] values = new int[readCount(in, MAX_ENTRIES)];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readInt();
        }
        return values;
    }
}
