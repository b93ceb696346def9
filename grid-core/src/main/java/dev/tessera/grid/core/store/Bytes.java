package dev.tessera.grid.core.store;

import java.util.Arrays;

/** An immutable byte array usable as a hash key: serialized keys are compared by their bytes. */
public final class Bytes {
    private final byte[] data;
    private final int hash;

    private Bytes(byte[] data) {
        this.data = data;
        this.hash = Arrays.hashCode(data);
    }

    /** Wraps without copying: the caller must not modify {@code data} afterwards. */
    public static Bytes wrap(byte[] data) {
        return new Bytes(data);
    }

    /** The bytes, not copied: do not modify. */
    public byte[] array() {
        return data;
    }

    public int length() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes b && b.hash == hash && Arrays.equals(b.data, data);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "Bytes[" + data.length + "]";
    }
}
