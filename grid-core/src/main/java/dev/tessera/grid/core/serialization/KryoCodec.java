package dev.tessera.grid.core.serialization;

import static dev.tessera.grid.core.serialization.WireFormat.TAG_BOOLEAN;
import static dev.tessera.grid.core.serialization.WireFormat.TAG_BYTE;
import static dev.tessera.grid.core.serialization.WireFormat.TAG_BYTES;
import static dev.tessera.grid.core.serialization.WireFormat.TAG_CHAR;
import static dev.tessera.grid.core.serialization.WireFormat.TAG_DOUBLE;
import static dev.tessera.grid.core.serialization.WireFormat.TAG_FLOAT;
import static dev.tessera.grid.core.serialization.WireFormat.TAG_INT;
import static dev.tessera.grid.core.serialization.WireFormat.TAG_KRYO;
import static dev.tessera.grid.core.serialization.WireFormat.TAG_LONG;
import static dev.tessera.grid.core.serialization.WireFormat.TAG_NULL;
import static dev.tessera.grid.core.serialization.WireFormat.TAG_SHORT;
import static dev.tessera.grid.core.serialization.WireFormat.TAG_STRING_LATIN1;
import static dev.tessera.grid.core.serialization.WireFormat.TAG_STRING_UTF8;
import static dev.tessera.grid.core.serialization.WireFormat.TAG_UUID;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import dev.tessera.grid.GridSerializationException;
import dev.tessera.grid.core.serialization.GridKryo.NondeterministicKeyException;
import dev.tessera.grid.core.serialization.GridKryo.UnregisteredTypeException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Turns keys and values into bytes and back; thread-safe, one instance per grid.
 *
 * <h2>Format</h2>
 * A payload is one tag byte ({@link WireFormat}) and a body whose length is the payload's length
 * minus one. The common types bypass Kryo: {@code null}, {@code String} (Latin-1 or WTF-8),
 * {@code byte[]} (raw), {@code Integer}, {@code Long}, {@code UUID}, {@code Boolean},
 * {@code Double}, {@code Float}, {@code Short}, {@code Byte}, {@code Character} (fixed-width
 * big-endian). Everything else is {@link WireFormat#TAG_KRYO} followed by Kryo's
 * {@code writeClassAndObject}, with references off (shared objects are copied, cycles are refused)
 * and nesting limited to 128 levels.
 *
 * <h2>Safety</h2>
 * Kryo runs with registration required: only Kryo's built-ins, the JDK types of
 * {@link WireFormat#jdkTypeIdTable()} and the user types given to the constructor can be written or
 * read; Java serialization is never used. Writing anything else fails on the caller with a
 * {@link GridSerializationException} that names the offending class (also when it is nested inside a
 * registered one) and how to register it. Reading never trusts the bytes: unknown tags or type ids,
 * truncated or trailing bytes, malformed strings, and lengths larger than the bytes that follow all
 * raise {@link GridSerializationException}; lengths are checked before anything is allocated.
 *
 * <h2>Determinism</h2>
 * Type ids do not depend on registration order: a user type's id is a hash of its fully-qualified
 * class name ({@link WireFormat#userTypeId(String)}); a collision between two registered types fails
 * the constructor. Members must register the same types ({@link #typeFingerprint()} tells whether
 * they do). {@link #serializeKey} produces the same bytes as {@link #serialize} but refuses key types
 * whose bytes would depend on iteration order (hash-based or insertion-ordered maps and sets,
 * {@code Set.of}/{@code Map.of}), anywhere in the key: two equal keys must have equal bytes on every
 * member, or they would hash to different partitions.
 */
public final class KryoCodec {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle CHAR = MethodHandles.byteArrayViewVarHandle(char[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private static final int INITIAL_OUTPUT_BYTES = 1024;
    private static final int MAX_RETAINED_OUTPUT_BYTES = 64 * 1024;
    private static final int POOL_CAPACITY = 1024;

    private final KryoFactory factory;
    private final Pool<Slot> pool;
    private final long typeFingerprint;

    /** A Kryo instance with its reusable buffers; used by one thread at a time. */
    private static final class Slot {
        final GridKryo kryo;
        Output output = new Output(INITIAL_OUTPUT_BYTES, -1);
        final GuardedInput input = new GuardedInput();

        Slot(GridKryo kryo) {
            this.kryo = kryo;
        }
    }

    /**
     * @param userTypes the application's key and value types (records, enums, classes, arrays of
     *     them); JDK types listed in {@link WireFormat#jdkTypeIdTable()} need not be given. A sealed
     *     interface or class stands for its permitted subclasses.
     * @throws IllegalArgumentException if a type cannot be registered (an interface or abstract class
     *     that is not sealed, a lambda, a collection type Kryo cannot read safely, a class whose
     *     fields Kryo cannot access, one that asks for Java serialization), or if two types derive the
     *     same id from their names (the message names both)
     */
    public KryoCodec(Collection<Class<?>> userTypes) {
        Objects.requireNonNull(userTypes, "userTypes");
        this.factory = new KryoFactory(userTypes);
        this.typeFingerprint = fingerprint(factory.userTypeIds());
        // A pooled instance costs about 10 KB plus its buffers; keep enough that concurrent callers
        // (application threads plus the messaging threads) rarely have to build a new one (~1 ms).
        this.pool = new Pool<>(true, false, POOL_CAPACITY) {
            @Override
            protected Slot create() {
                return new Slot(factory.newKryo());
            }
        };
        pool.free(new Slot(factory.newKryo())); // fails now, on the caller, if a type cannot be registered
    }

    /** The registered user types (after sealed-type expansion) and their ids, in id order. */
    public Map<Class<?>, Integer> userTypeIds() {
        return factory.userTypeIds();
    }

    /**
     * A hash of the wire format version and of every registered user type's name and id. Members
     * whose fingerprints differ cannot read all of each other's values: compare them when a member
     * joins. Equal fingerprints are necessary, not sufficient: the classes themselves (fields, enum
     * constant order) must also be the same version on every member.
     */
    public long typeFingerprint() {
        return typeFingerprint;
    }

    // ---- writing ---------------------------------------------------------------------------

    /**
     * Serializes a value ({@code null} allowed).
     *
     * @throws GridSerializationException if the value (or an object inside it) is of a type that is
     *     not registered, or cannot be serialized (too deep, cyclic, ...)
     */
    public byte[] serialize(Object value) {
        if (value == null) {
            return new byte[] {TAG_NULL};
        }
        byte[] fast = fastPath(value);
        return fast != null ? fast : serializeWithKryo(value, false);
    }

    /**
     * Serializes a key: the same bytes as {@link #serialize}, after checking that they are
     * deterministic. Accepted: Strings, numbers, booleans, characters, UUIDs, byte arrays, enums,
     * records and classes made of accepted parts, lists, arrays, sorted maps and sets, EnumSets, the
     * java.time and other registered value types.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws GridSerializationException if the key is not registered, or contains a map or set whose
     *     iteration order is not defined (HashMap, HashSet, LinkedHashMap, Set.of, ...); the message
     *     says what to use instead
     */
    public byte[] serializeKey(Object key) {
        Objects.requireNonNull(key, "key");
        byte[] fast = fastPath(key);
        return fast != null ? fast : serializeWithKryo(key, true);
    }

    /** The complete payload for a fast-path type, or null. Hottest first. */
    private static byte[] fastPath(Object v) {
        if (v instanceof String s) {
            return StringCodec.encode(s);
        } else if (v instanceof byte[] b) {
            byte[] out = new byte[b.length + 1];
            out[0] = TAG_BYTES;
            System.arraycopy(b, 0, out, 1, b.length);
            return out;
        } else if (v instanceof Long l) {
            byte[] out = new byte[9];
            out[0] = TAG_LONG;
            LONG.set(out, 1, l.longValue());
            return out;
        } else if (v instanceof Integer i) {
            byte[] out = new byte[5];
            out[0] = TAG_INT;
            INT.set(out, 1, i.intValue());
            return out;
        } else if (v instanceof UUID u) {
            byte[] out = new byte[17];
            out[0] = TAG_UUID;
            LONG.set(out, 1, u.getMostSignificantBits());
            LONG.set(out, 9, u.getLeastSignificantBits());
            return out;
        } else if (v instanceof Boolean b) {
            return new byte[] {TAG_BOOLEAN, (byte) (b ? 1 : 0)};
        } else if (v instanceof Double d) {
            byte[] out = new byte[9];
            out[0] = TAG_DOUBLE;
            LONG.set(out, 1, Double.doubleToLongBits(d));
            return out;
        } else if (v instanceof Float f) {
            byte[] out = new byte[5];
            out[0] = TAG_FLOAT;
            INT.set(out, 1, Float.floatToIntBits(f));
            return out;
        } else if (v instanceof Short s) {
            byte[] out = new byte[3];
            out[0] = TAG_SHORT;
            SHORT.set(out, 1, s.shortValue());
            return out;
        } else if (v instanceof Byte b) {
            return new byte[] {TAG_BYTE, b};
        } else if (v instanceof Character c) {
            byte[] out = new byte[3];
            out[0] = TAG_CHAR;
            CHAR.set(out, 1, c.charValue());
            return out;
        }
        return null;
    }

    private static boolean hasFastPath(Object v) {
        return v instanceof String || v instanceof byte[] || v instanceof Long || v instanceof Integer
                || v instanceof UUID || v instanceof Boolean || v instanceof Double || v instanceof Float
                || v instanceof Short || v instanceof Byte || v instanceof Character;
    }

    private byte[] serializeWithKryo(Object value, boolean key) {
        Slot slot = pool.obtain();
        boolean failed = true;
        try {
            slot.kryo.keyMode = key;
            Output out = slot.output;
            out.reset();
            out.writeByte(TAG_KRYO);
            slot.kryo.writeClassAndObject(out, value);
            byte[] bytes = out.toBytes();
            failed = false;
            return bytes;
        } catch (RuntimeException e) {
            throw writeFailure(value, key, e);
        } catch (StackOverflowError e) {
            throw new GridSerializationException(cannotSerialize(value, key) + tooDeep(), e);
        } finally {
            slot.kryo.keyMode = false;
            if (failed) {
                slot.kryo.reset();
            }
            if (slot.output.getBuffer().length > MAX_RETAINED_OUTPUT_BYTES) {
                slot.output = new Output(INITIAL_OUTPUT_BYTES, -1);
            }
            pool.free(slot);
        }
    }

    private static GridSerializationException writeFailure(Object value, boolean key, RuntimeException e) {
        Class<?> top = value.getClass();
        String prefix = cannotSerialize(value, key);
        UnregisteredTypeException unregistered = findCause(e, UnregisteredTypeException.class);
        if (unregistered != null) {
            Class<?> t = unregistered.type;
            String fix = " Register it on every member with Grid.builder().registerType(" + sourceName(t) + ".class).";
            if (t == top) {
                return new GridSerializationException(prefix + "the type is not registered." + fix, e);
            }
            return new GridSerializationException(prefix + "it contains a " + t.getName() + where(unregistered)
                    + ", which is not registered." + fix, e);
        }
        NondeterministicKeyException nondeterministic = findCause(e, NondeterministicKeyException.class);
        if (nondeterministic != null) {
            Class<?> t = nondeterministic.type;
            String what = t == top ? "a " + t.getName() : "it contains a " + t.getName() + where(nondeterministic);
            return new GridSerializationException(prefix + what + ", whose serialized bytes depend on its "
                    + "iteration order. Equal keys must have identical bytes on every member to find the same "
                    + "partition. " + nondeterministic.advice(), e);
        }
        if (isMaxDepth(e)) {
            return new GridSerializationException(prefix + tooDeep(), e);
        }
        return new GridSerializationException(prefix + rootMessage(e), e);
    }

    private static String cannotSerialize(Object value, boolean key) {
        return key
                ? "Cannot use " + value.getClass().getName() + " as a key: "
                : "Cannot serialize " + value.getClass().getName() + ": ";
    }

    private static String tooDeep() {
        return "the object graph is nested more than " + KryoFactory.MAX_DEPTH + " levels deep or has a cycle "
                + "(Tessera serializes trees: shared references are copied, cycles are not supported).";
    }

    /** " (at lines (com.acme.Order) > money (com.acme.Line))" from Kryo's serialization trace. */
    private static String where(KryoException e) {
        String message = e.getMessage();
        int i = message == null ? -1 : message.indexOf("Serialization trace:");
        if (i < 0) {
            return "";
        }
        String[] lines = message.substring(i + "Serialization trace:".length()).strip().split("\n");
        StringBuilder path = new StringBuilder();
        for (int k = lines.length - 1; k >= 0; k--) {
            if (!lines[k].isBlank()) {
                path.append(path.length() == 0 ? "" : " > ").append(lines[k].strip());
            }
        }
        return path.length() == 0 ? "" : " (at " + path + ")";
    }

    private static String sourceName(Class<?> type) {
        String canonical = type.getCanonicalName();
        return canonical != null ? canonical : type.getName();
    }

    // ---- reading ---------------------------------------------------------------------------

    /**
     * Reads a payload produced by {@link #serialize} or {@link #serializeKey} on any member.
     *
     * @throws GridSerializationException if the bytes are not a valid payload, or refer to a type
     *     that is not registered on this member
     */
    public Object deserialize(byte[] bytes) {
        return deserialize(bytes, 0, bytes.length);
    }

    /**
     * Reads the payload at {@code bytes[off, off + len)}.
     *
     * @throws IndexOutOfBoundsException if the range is outside {@code bytes}
     * @throws GridSerializationException if the bytes are not a valid payload, or refer to a type
     *     that is not registered on this member
     */
    public Object deserialize(byte[] bytes, int off, int len) {
        Objects.checkFromIndexSize(off, len, bytes.length);
        if (len == 0) {
            throw new GridSerializationException("Cannot deserialize an empty payload");
        }
        int body = off + 1;
        int bodyLen = len - 1;
        byte tag = bytes[off];
        switch (tag) {
            case TAG_STRING_LATIN1:
                return StringCodec.decodeLatin1(bytes, body, bodyLen);
            case TAG_STRING_UTF8:
                return StringCodec.decodeWtf8(bytes, body, bodyLen);
            case TAG_BYTES:
                return Arrays.copyOfRange(bytes, body, body + bodyLen);
            case TAG_LONG:
                expectBody(tag, bodyLen, 8);
                return (long) LONG.get(bytes, body);
            case TAG_INT:
                expectBody(tag, bodyLen, 4);
                return (int) INT.get(bytes, body);
            case TAG_UUID:
                expectBody(tag, bodyLen, 16);
                return new UUID((long) LONG.get(bytes, body), (long) LONG.get(bytes, body + 8));
            case TAG_BOOLEAN:
                expectBody(tag, bodyLen, 1);
                if (bytes[body] == 0) {
                    return Boolean.FALSE;
                } else if (bytes[body] == 1) {
                    return Boolean.TRUE;
                }
                throw new GridSerializationException("Cannot deserialize Boolean: invalid byte " + bytes[body]);
            case TAG_DOUBLE: {
                expectBody(tag, bodyLen, 8);
                long bits = (long) LONG.get(bytes, body);
                double d = Double.longBitsToDouble(bits);
                if (Double.doubleToLongBits(d) != bits) {
                    throw new GridSerializationException("Cannot deserialize Double: non-canonical NaN");
                }
                return d;
            }
            case TAG_FLOAT: {
                expectBody(tag, bodyLen, 4);
                int bits = (int) INT.get(bytes, body);
                float f = Float.intBitsToFloat(bits);
                if (Float.floatToIntBits(f) != bits) {
                    throw new GridSerializationException("Cannot deserialize Float: non-canonical NaN");
                }
                return f;
            }
            case TAG_SHORT:
                expectBody(tag, bodyLen, 2);
                return (short) SHORT.get(bytes, body);
            case TAG_BYTE:
                expectBody(tag, bodyLen, 1);
                return bytes[body];
            case TAG_CHAR:
                expectBody(tag, bodyLen, 2);
                return (char) CHAR.get(bytes, body);
            case TAG_NULL:
                expectBody(tag, bodyLen, 0);
                return null;
            case TAG_KRYO:
                return deserializeWithKryo(bytes, body, bodyLen);
            default:
                throw new GridSerializationException(String.format("Cannot deserialize a payload of %d bytes: "
                        + "unknown type tag 0x%02x (corrupt bytes, or a member running a newer format)", len, tag));
        }
    }

    private static void expectBody(byte tag, int actual, int expected) {
        if (actual != expected) {
            throw new GridSerializationException(String.format(
                    "Cannot deserialize: tag 0x%02x needs %d bytes of body, got %d", tag, expected, actual));
        }
    }

    private Object deserializeWithKryo(byte[] bytes, int off, int len) {
        Slot slot = pool.obtain();
        boolean failed = true;
        try {
            GuardedInput in = slot.input;
            in.setBuffer(bytes, off, len);
            Object value = slot.kryo.readClassAndObject(in);
            if (in.position() != off + len) {
                throw new GridSerializationException("Cannot deserialize: " + (off + len - in.position())
                        + " trailing bytes after a " + (value == null ? "null" : value.getClass().getName()));
            }
            if (value == null || hasFastPath(value)) {
                throw new GridSerializationException("Cannot deserialize: non-canonical encoding of "
                        + (value == null ? "null" : "a " + value.getClass().getName()));
            }
            failed = false;
            return value;
        } catch (GridSerializationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw readFailure(e, len);
        } catch (StackOverflowError e) {
            throw new GridSerializationException("Cannot deserialize: nested too deeply", e);
        } finally {
            slot.input.release();
            if (failed) {
                slot.kryo.reset();
            }
            pool.free(slot);
        }
    }

    private static GridSerializationException readFailure(RuntimeException e, int len) {
        String message = rootMessage(e);
        String prefix = "Cannot deserialize a Kryo payload of " + len + " bytes: ";
        if (message.startsWith("Encountered unregistered class ID")) {
            return new GridSerializationException(prefix + message.split("\n")[0] + ". Every member must register "
                    + "the same types with Grid.builder().registerType(...); this member does not know the type "
                    + "(or the bytes are corrupt).", e);
        }
        if (isMaxDepth(e)) {
            return new GridSerializationException(prefix + "nested more than " + KryoFactory.MAX_DEPTH + " levels deep", e);
        }
        return new GridSerializationException(prefix + message, e);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
        for (int i = 0; e != null && i < 32; i++, e = e.getCause()) {
            if (type.isInstance(e)) {
                return type.cast(e);
            }
        }
        return null;
    }

    private static boolean isMaxDepth(Throwable e) {
        for (int i = 0; e != null && i < 32; i++, e = e.getCause()) {
            if (e.getMessage() != null && e.getMessage().startsWith("Max depth exceeded")) {
                return true;
            }
        }
        return false;
    }

    /** The innermost message of the cause chain, first line only (Kryo appends its trace). */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        for (int i = 0; root.getCause() != null && root.getCause() != root && i < 32; i++) {
            root = root.getCause();
        }
        String m = root.getMessage();
        if (m == null || m.isBlank()) {
            m = root.getClass().getName();
        } else if (!(root instanceof KryoException)) {
            m = root.getClass().getSimpleName() + ": " + m;
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static long fingerprint(Map<Class<?>, Integer> userTypeIds) {
        long h = 0xcbf29ce484222325L;
        StringBuilder sb = new StringBuilder("tessera-wire-" + WireFormat.VERSION);
        userTypeIds.forEach((type, id) -> sb.append(';').append(type.getName()).append('=').append(id));
        for (byte b : sb.toString().getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xFF);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
