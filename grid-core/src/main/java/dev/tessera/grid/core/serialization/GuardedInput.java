package dev.tessera.grid.core.serialization;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/**
 * A Kryo {@link Input} over a byte array that refuses any length larger than the bytes left.
 *
 * <p>Kryo's own {@code Input} allocates the array or char buffer for a length read from the wire
 * before checking that the bytes are there, so a 5-byte hostile payload can ask for a 2 GB array.
 * Every element of every array and string takes at least one byte, so a length above the remaining
 * byte count is always a lie and is rejected before any allocation.
 */
final class GuardedInput extends Input {
    private static final int MAX_RETAINED_CHARS = 16 * 1024;
    private static final byte[] EMPTY = new byte[0];

    GuardedInput() {
        super(EMPTY);
    }

    /** Drops the reference to the caller's array and an oversized char buffer. */
    void release() {
        setBuffer(EMPTY);
        if (chars.length > MAX_RETAINED_CHARS) {
            chars = new char[32];
        }
    }

    int remaining() {
        return limit - position;
    }

    private void checkCount(int count, int minBytesEach) {
        if (count < 0 || (long) count * minBytesEach > remaining()) {
            throw new KryoException("Invalid length " + count + " with " + remaining() + " bytes left");
        }
    }

    /** Peeks the length prefix of a Kryo UTF-8 string (char count + 1) and checks it. */
    private void checkStringLength() {
        if (readVarIntFlag()) { // not the ASCII form, which is self-delimiting and bounded by the buffer
            int start = position;
            int charCountPlusOne = readVarIntFlag(true);
            int consumed = position - start;
            position = start;
            // 0 = null, 1 = "", n = n-1 chars of at least one byte each
            if (charCountPlusOne < 0 || charCountPlusOne - 1 > remaining() - consumed) {
                throw new KryoException("Invalid string length " + charCountPlusOne + " with "
                        + (remaining() - consumed) + " bytes left");
            }
        }
    }

    @Override
    public String readString() {
        checkStringLength();
        return super.readString();
    }

    @Override
    public StringBuilder readStringBuilder() {
        checkStringLength();
        return super.readStringBuilder();
    }

    @Override
    public byte[] readBytes(int length) throws KryoException {
        checkCount(length, 1);
        return super.readBytes(length);
    }

    @Override
    public int[] readInts(int length) throws KryoException {
        checkCount(length, 4);
        return super.readInts(length);
    }

    @Override
    public int[] readInts(int length, boolean optimizePositive) throws KryoException {
        checkCount(length, 1);
        return super.readInts(length, optimizePositive);
    }

    @Override
    public long[] readLongs(int length) throws KryoException {
        checkCount(length, 8);
        return super.readLongs(length);
    }

    @Override
    public long[] readLongs(int length, boolean optimizePositive) throws KryoException {
        checkCount(length, 1);
        return super.readLongs(length, optimizePositive);
    }

    @Override
    public float[] readFloats(int length) throws KryoException {
        checkCount(length, 4);
        return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(int length) throws KryoException {
        checkCount(length, 8);
        return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(int length) throws KryoException {
        checkCount(length, 2);
        return super.readShorts(length);
    }

    @Override
    public char[] readChars(int length) throws KryoException {
        checkCount(length, 2);
        return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(int length) throws KryoException {
        checkCount(length, 1);
        return super.readBooleans(length);
    }
}
