package dev.tessera.grid.core.wire;

import static dev.tessera.grid.core.wire.FieldCodecs.MAX_ENTRIES;
import static dev.tessera.grid.core.wire.FieldCodecs.readBytes;
import static dev.tessera.grid.core.wire.FieldCodecs.readCount;
import static dev.tessera.grid.core.wire.FieldCodecs.readString;
import static dev.tessera.grid.core.wire.FieldCodecs.write;
import static dev.tessera.grid.core.wire.FieldCodecs.writeBytes;
import static dev.tessera.grid.core.wire.FieldCodecs.writeString;

import dev.tessera.grid.EntryEventType;
import java.io.DataInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The change-notification protocol: a primary tells the members that listen to a map what changed
 * ({@link EntryEvents}, routed by {@link ListenerInterests}) and the members that near-cache it
 * which keys to drop ({@link Invalidations}). All decoded by {@link Messages#decode}.
 */
public final class EventMessages {
    /** Upper bound on the maps named in one interests message. */
    private static final int MAX_MAPS = 1 << 16;
    private static final EntryEventType[] TYPES = EntryEventType.values();

    private EventMessages() {}

    /**
     * The complete set of maps in which the sending member has cluster-wide entry listeners: a
     * snapshot, so receivers replace what they knew of the sender. {@code sequence} grows with every
     * snapshot the sender takes; a receiver ignores one older than what it holds (snapshots travel
     * as requests and as one-way messages, which are not ordered with each other).
     */
    public record ListenerInterests(long sequence, List<Interest> interests) {
        /** Listeners of one map; {@code values}: whether at least one wants values. */
        public record Interest(String map, boolean values) {}

        public byte[] encode() {
            int size = 16;
            for (Interest i : interests) {
                size += 8 + i.map.length();
            }
            return write(MessageType.LISTENER_INTERESTS, size, out -> {
                out.writeLong(sequence);
                out.writeInt(interests.size());
                for (Interest i : interests) {
                    writeString(out, i.map);
                    out.writeBoolean(i.values);
                }
            });
        }

        static ListenerInterests decode(DataInput in) throws IOException {
            long seq = in.readLong();
            int n = readCount(in, MAX_MAPS);
            List<Interest> interests = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String map = readString(in);
                if (map == null) {
                    throw new MalformedMessageException("listener interest without map");
                }
                interests.add(new Interest(map, in.readBoolean()));
            }
            return new ListenerInterests(seq, interests);
        }
    }

    /** Changes of entries of {@code map} applied by the sender as their primary, in the order applied. */
    public record EntryEvents(String map, List<Event> events) {
        /** One change; the values are null when the receiver's listeners do not want them. */
        public record Event(EntryEventType type, byte[] key, byte[] value, byte[] oldValue) {}

        public byte[] encode() {
            int size = 16 + map.length();
            for (Event e : events) {
                size += 13 + e.key.length + (e.value == null ? 0 : e.value.length) + (e.oldValue == null ? 0 : e.oldValue.length);
            }
            return write(MessageType.ENTRY_EVENTS, size, out -> {
                writeString(out, map);
                out.writeInt(events.size());
                for (Event e : events) {
                    out.writeByte(e.type.ordinal()); // EntryEventType is append-only, like the wire ids
                    writeBytes(out, e.key);
                    writeBytes(out, e.value);
                    writeBytes(out, e.oldValue);
                }
            });
        }

        static EntryEvents decode(DataInput in) throws IOException {
            String map = readString(in);
            if (map == null) {
                throw new MalformedMessageException("entry events without map");
            }
            int n = readCount(in, MAX_ENTRIES);
            List<Event> events = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int type = in.readByte();
                if (type < 0 || type >= TYPES.length) {
                    throw new MalformedMessageException("unknown entry event type " + type);
                }
                byte[] key = readBytes(in);
                if (key == null) {
                    throw new MalformedMessageException("entry event without key");
                }
                events.add(new Event(TYPES[type], key, readBytes(in), readBytes(in)));
            }
            return new EntryEvents(map, events);
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
}
