package dev.tessera.grid.core.wire;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The key/value pairs of one partition that a {@link OpCode#PUT_ALL} carries in its value field:
 * a count, then each key and value with its length. Decoding checks every length.
 */
public final class PackedEntries {
    private PackedEntries() {}

    /** @param keysAndValues key, value, key, value, ... (no nulls) */
    public static byte[] encode(List<byte[]> keysAndValues, int sizeHint) {
        WireOutput out = new WireOutput(Math.max(16, sizeHint));
        try {
            out.writeInt(keysAndValues.size() / 2);
            for (byte[] b : keysAndValues) {
                FieldCodecs.writeBytes(out, b);
            }
        } catch (IOException e) {
            throw new IllegalStateException("in-memory encoding failed", e);
        }
        return out.toByteArray();
    }

    /** Key, value, key, value, ... @throws MalformedMessageException for anything malformed */
    public static List<byte[]> decode(byte[] packed) {
        if (packed == null) {
            throw new MalformedMessageException("PUT_ALL without entries");
        }
        WireInput in = new WireInput(packed);
        try {
            int n = FieldCodecs.readCount(in, FieldCodecs.MAX_ENTRIES);
            List<byte[]> out = new ArrayList<>(2 * n);
            for (int i = 0; i < 2 * n; i++) {
                byte[] b = FieldCodecs.readBytes(in);
                if (b == null) {
                    throw new MalformedMessageException("PUT_ALL entry " + i / 2 + " without " + (i % 2 == 0 ? "key" : "value"));
                }
                out.add(b);
            }
            if (in.available() != 0) {
                throw new MalformedMessageException("PUT_ALL has " + in.available() + " trailing bytes");
            }
            return out;
        } catch (MalformedMessageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new MalformedMessageException("cannot decode PUT_ALL entries: " + e, e);
        }
    }
}
