package dev.tessera.grid.core.wire;

import dev.tessera.grid.MapConfig;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The map header that every client op and copy carries: a kind byte, the map's 64-bit header digest, then, in a
 * full header only, the map's name and configuration. The digest (the first 8 bytes of SHA-256 over the name and
 * configuration's deterministic encoding) names both: a receiver that learned it from a full header
 * ({@link MapHeaderRegistry}) reads a 9-byte short header as that map. SHA-256 rather than a fast 64-bit hash because a
 * member must not be able to make up a second (name, configuration) with a digest other members already use.
 *
 * <p>Cached both ways: encoding the same name and configuration object again copies its bytes, and decoding a full
 * header seen before returns the same {@link MapConfig} instance (which lets the store recognise it by identity)
 * without parsing or hashing it again. The encoding is deterministic and self-delimiting, so equal bytes decode equal.
 */
final class MapHeaders {
    /** Kind byte: the digest alone; the receiver must know it. */
    static final byte SHORT = 0;
    /** Kind byte: the digest, then the name and configuration it hashes. */
    static final byte FULL = 1;

    private static final int ENCODED_SLOTS = 64;
    private static final int DECODED_SLOTS = 8;

    /** A map name and configuration with the digest that names them and, for a decoded full header, its bytes. */
    record Header(String map, MapConfig config, long digest, byte[] bytes) {}

    /** The encodings of one name and configuration: short and full header. */
    private record Encoded(String map, MapConfig config, long digest, byte[] shortHeader, byte[] fullHeader) {}

    private static final AtomicReferenceArray<Encoded> ENCODED = new AtomicReferenceArray<>(ENCODED_SLOTS);
    private static final AtomicReferenceArray<Header> DECODED = new AtomicReferenceArray<>(DECODED_SLOTS);
    private static final AtomicInteger NEXT_DECODED_SLOT = new AtomicInteger();

    private MapHeaders() {}

    /** The digest that names {@code map} with {@code config} on the wire. */
    static long digest(String map, MapConfig config) {
        return encoded(map, config).digest();
    }

    /** Writes the header: short (the digest only) if {@code receiverKnowsIt}, full otherwise. */
    static void write(DataOutput out, String map, MapConfig config, boolean receiverKnowsIt) throws IOException {
        Encoded e = encoded(map, config);
        out.write(receiverKnowsIt ? e.shortHeader() : e.fullHeader());
    }

    private static Encoded encoded(String map, MapConfig config) {
        // String hashes are cached and configs are often shared between maps: both pick the slot
        int slot = (map.hashCode() * 31 + System.identityHashCode(config)) & (ENCODED_SLOTS - 1);
        Encoded e = ENCODED.get(slot);
        if (e == null || e.config() != config || !e.map().equals(map)) {
            byte[] fields = fields(map, config);
            long digest = digestOf(fields);
            WireOutput shortHeader = new WireOutput(9);
            WireOutput fullHeader = new WireOutput(9 + fields.length);
            shortHeader.writeByte(SHORT);
            shortHeader.writeLong(digest);
            fullHeader.writeByte(FULL);
            fullHeader.writeLong(digest);
            fullHeader.write(fields);
            e = new Encoded(map, config, digest, shortHeader.toByteArray(), fullHeader.toByteArray());
            ENCODED.set(slot, e);
        }
        return e;
    }

    private static byte[] fields(String map, MapConfig config) {
        WireOutput out = new WireOutput(64 + map.length());
        try {
            FieldCodecs.writeMapHeaderFields(out, map, config);
        } catch (IOException impossible) {
            throw new IllegalStateException("in-memory encoding failed", impossible);
        }
        return out.toByteArray();
    }

    /** The first 8 bytes of SHA-256 over {@code fields}, big-endian. */
    static long digestOf(byte[] fields) {
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-256").digest(fields);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
        long d = 0;
        for (int i = 0; i < 8; i++) {
            d = (d << 8) | (h[i] & 0xFF);
        }
        return d;
    }

    /** {@link #read(DataInput, MapHeaderRegistry, boolean)} with the registry the input carries, if any. */
    static Header read(DataInput in, boolean mustBeFull) throws IOException {
        return read(in, in instanceof WireInput w ? w.headers() : null, mustBeFull);
    }

    /**
     * Reads a header. A full one is verified (its name and configuration must re-encode to its digest) and taught to
     * {@code known}; a short one is looked up there.
     *
     * @param known     this member's learned headers, or {@code null} where none are kept (then a short header is
     *                  malformed)
     * @param mustBeFull whether this message always carries the full header (its senders do not track what the
     *                  receiver knows), so that a short one is malformed
     * @throws UnknownMapHeaderException a short header whose digest {@code known} does not hold: nothing was applied,
     *                                   the sender resends with the full header
     * @throws MalformedMessageException an unknown kind, a short header where it may not be, or a full header whose
     *                                   fields do not hash to its digest
     */
    static Header read(DataInput in, MapHeaderRegistry known, boolean mustBeFull) throws IOException {
        byte kind = in.readByte();
        if (kind == SHORT) {
            long digest = in.readLong();
            if (mustBeFull || known == null) {
                throw new MalformedMessageException("a short map header where the full one is required");
            }
            Header h = known.lookup(digest);
            if (h == null) {
                throw new UnknownMapHeaderException(digest);
            }
            return h;
        }
        if (kind != FULL) {
            throw new MalformedMessageException("unknown map header kind " + kind);
        }
        Header h = readFull(in);
        return known == null ? h : known.learn(h);
    }

    private static Header readFull(DataInput in) throws IOException {
        if (!(in instanceof WireInput b)) {
            return parseFull(in, null);
        }
        byte[] buf = b.buffer();
        int pos = b.position();
        int remaining = b.available();
        for (int i = 0; i < DECODED_SLOTS; i++) {
            Header h = DECODED.get(i);
            if (h != null && h.bytes().length <= remaining
                    && Arrays.equals(buf, pos, pos + h.bytes().length, h.bytes(), 0, h.bytes().length)) {
                b.position(pos + h.bytes().length);
                return h;
            }
        }
        Header h = parseFull(in, b);
        DECODED.set(Math.floorMod(NEXT_DECODED_SLOT.getAndIncrement(), DECODED_SLOTS), h);
        return h;
    }

    /** Parses and verifies a full header after its kind byte; {@code b} (if not null) supplies its bytes for the cache. */
    private static Header parseFull(DataInput in, WireInput b) throws IOException {
        int start = b == null ? 0 : b.position();
        long digest = in.readLong();
        String map = FieldCodecs.readString(in);
        if (map == null) {
            throw new MalformedMessageException("a map header without a map name");
        }
        MapConfig config = FieldCodecs.readConfig(in);
        if (digestOf(fields(map, config)) != digest) {
            throw new MalformedMessageException("the map header of '" + map + "' does not hash to its digest "
                    + Long.toHexString(digest));
        }
        return new Header(map, config, digest, b == null ? null : Arrays.copyOfRange(b.buffer(), start, b.position()));
    }
}
