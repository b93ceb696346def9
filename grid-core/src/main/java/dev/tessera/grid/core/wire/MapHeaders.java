package dev.tessera.grid.core.wire;

import dev.tessera.grid.MapConfig;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The map header (name and configuration) that every operation and copy carries, cached both ways:
 * encoding the same configuration object again copies its bytes, and decoding bytes seen before
 * returns the same {@link MapConfig} instance (which lets the store recognise it by identity)
 * without parsing. The encoding is deterministic and self-delimiting, so equal bytes decode equal.
 */
final class MapHeaders {
    private static final int SLOTS = 8;

    /** A map name and configuration with its encoded form. */
    record Header(String map, MapConfig config, byte[] bytes) {}

    private static final AtomicReferenceArray<Header> ENCODED = new AtomicReferenceArray<>(SLOTS);
    private static final AtomicReferenceArray<Header> DECODED = new AtomicReferenceArray<>(SLOTS);
    private static final AtomicInteger NEXT_DECODED_SLOT = new AtomicInteger();

    private MapHeaders() {}

    static void write(DataOutput out, String map, MapConfig config) throws IOException {
        int slot = System.identityHashCode(config) & (SLOTS - 1);
        Header h = ENCODED.get(slot);
        if (h == null || h.config() != config || !h.map().equals(map)) {
            WireOutput fields = new WireOutput(64);
            FieldCodecs.writeMapHeaderFields(fields, map, config);
            h = new Header(map, config, fields.toByteArray());
            ENCODED.set(slot, h);
        }
        out.write(h.bytes());
    }

    static Header read(DataInput in) throws IOException {
        if (!(in instanceof WireInput b)) {
            return new Header(FieldCodecs.readString(in), FieldCodecs.readConfig(in), null);
        }
        byte[] buf = b.buffer();
        int pos = b.position();
        int remaining = b.available();
        for (int i = 0; i < SLOTS; i++) {
            Header h = DECODED.get(i);
            if (h != null && h.bytes().length <= remaining
                    && Arrays.equals(buf, pos, pos + h.bytes().length, h.bytes(), 0, h.bytes().length)) {
                b.position(pos + h.bytes().length);
                return h;
            }
        }
        String map = FieldCodecs.readString(in);
        MapConfig config = FieldCodecs.readConfig(in);
        Header h = new Header(map, config, Arrays.copyOfRange(buf, pos, b.position()));
        DECODED.set(Math.floorMod(NEXT_DECODED_SLOT.getAndIncrement(), SLOTS), h);
        return h;
    }
}
