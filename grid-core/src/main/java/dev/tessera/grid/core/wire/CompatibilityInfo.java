package dev.tessera.grid.core.wire;

import dev.tessera.grid.core.serialization.TypeShapes;
import dev.tessera.grid.core.serialization.WireFormat;
import java.io.DataInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What two members must share to read each other's data: the wire-format version, the partition count
 * and the registered user types with their Kryo ids and {@link TypeShapes shapes}. Its {@link #fingerprint()} travels in every member's
 * address; the whole description is exchanged only when fingerprints differ, to name the difference.
 *
 * @param member         the describing member's name (for messages; not part of the fingerprint)
 * @param wireVersion    {@link WireFormat#VERSION}
 * @param partitionCount the member's partition count
 * @param types          the registered user types in id order
 */
public record CompatibilityInfo(String member, int wireVersion, int partitionCount, List<RegisteredType> types) {
    /** Upper bound on decoded types: far above any application, far below a memory bomb. */
    static final int MAX_TYPES = 1 << 16;

    /** One Kryo registration: a user type's class name, id and {@link TypeShapes#of shape}. */
    public record RegisteredType(String className, int id, String shape) {}

    public CompatibilityInfo {
        types = types.stream().sorted(Comparator.comparingInt(RegisteredType::id)
                .thenComparing(RegisteredType::className)).toList();
    }

    /** This JVM's description, from the codec's registrations ({@code KryoCodec#userTypeIds()}). */
    public static CompatibilityInfo of(String member, int partitionCount, Map<Class<?>, Integer> userTypeIds) {
        List<RegisteredType> types = new ArrayList<>(userTypeIds.size());
        userTypeIds.forEach((type, id) -> types.add(new RegisteredType(type.getName(), id, TypeShapes.of(type))));
        return new CompatibilityInfo(member, WireFormat.VERSION, partitionCount, types);
    }

    /**
     * 16 hex digits of a 64-bit FNV-1a hash over the version, the partition count and every type's name, id and
     * shape (the member name is left out). Equal fingerprints: the members agree on all three.
     */
    public String fingerprint() {
        StringBuilder sb = new StringBuilder("tessera-compat;wire=").append(wireVersion)
                .append(";partitions=").append(partitionCount);
        for (RegisteredType t : types) {
            sb.append(';').append(t.className()).append('=').append(t.id()).append(':').append(t.shape());
        }
        long h = 0xcbf29ce484222325L;
        for (byte b : sb.toString().getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xFF);
            h *= 0x100000001b3L;
        }
        return String.format("%016x", h);
    }

    public byte[] encode() {
        int size = 16 + member.length();
        for (RegisteredType t : types) {
            size += 12 + t.className().length() + t.shape().length();
        }
        return FieldCodecs.write(MessageType.COMPATIBILITY, size, out -> {
            FieldCodecs.writeString(out, member);
            out.writeInt(wireVersion);
            out.writeInt(partitionCount);
            out.writeInt(types.size());
            for (RegisteredType t : types) {
                FieldCodecs.writeString(out, t.className());
                out.writeInt(t.id());
                FieldCodecs.writeString(out, t.shape());
            }
        });
    }

    static CompatibilityInfo decode(DataInput in) throws IOException {
        String member = FieldCodecs.readString(in);
        int wireVersion = in.readInt();
        int partitionCount = in.readInt();
        int n = FieldCodecs.readCount(in, MAX_TYPES);
        List<RegisteredType> types = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            String name = FieldCodecs.readString(in);
            if (name == null || name.length() > 1024) {
                throw new MalformedMessageException("registered type without a valid class name");
            }
            int id = in.readInt();
            String shape = FieldCodecs.readString(in);
            if (shape == null || shape.length() > 2 * TypeShapes.MAX_CHARS) {
                throw new MalformedMessageException("registered type " + name + " without a valid shape");
            }
            types.add(new RegisteredType(name, id, shape));
        }
        if (member == null || member.length() > 1024) {
            throw new MalformedMessageException("compatibility description without a valid member name");
        }
        return new CompatibilityInfo(member, wireVersion, partitionCount, types);
    }
}
