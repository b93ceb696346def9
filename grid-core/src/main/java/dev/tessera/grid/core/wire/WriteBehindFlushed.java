package dev.tessera.grid.core.wire;

import java.io.DataInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * From a write-behind primary to the other holders of a partition: these keys are in the map's
 * store as of these versions, so their dirty marks up to those versions can go (one-way message).
 */
public record WriteBehindFlushed(String map, int partition, List<Key> keys) {
    /** One stored key and the version of the write the store now holds. */
    public record Key(byte[] key, long version) {}

    public byte[] encode() {
        int size = 16 + map.length();
        for (Key k : keys) {
            size += 12 + k.key.length;
        }
        return FieldCodecs.write(MessageType.WRITE_BEHIND_FLUSHED, size, out -> {
            FieldCodecs.writeString(out, map);
            out.writeInt(partition);
            out.writeInt(keys.size());
            for (Key k : keys) {
                FieldCodecs.writeBytes(out, k.key);
                out.writeLong(k.version);
            }
        });
    }

    static WriteBehindFlushed decode(DataInput in) throws IOException {
        String map = FieldCodecs.readString(in);
        int partition = in.readInt();
        int n = FieldCodecs.readCount(in, FieldCodecs.MAX_ENTRIES);
        List<Key> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] key = FieldCodecs.readBytes(in);
            if (key == null) {
                throw new MalformedMessageException("flushed entry without key");
            }
            keys.add(new Key(key, in.readLong()));
        }
        if (map == null) {
            throw new MalformedMessageException("flushed entries without map name");
        }
        return new WriteBehindFlushed(map, partition, keys);
    }
}
