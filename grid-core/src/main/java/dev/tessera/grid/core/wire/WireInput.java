package dev.tessera.grid.core.wire;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * A big-endian {@link DataInput} over a window of a byte array: what every message codec reads from. Reading past
 * the window throws {@link EOFException}, so a truncated message fails to decode instead of reading garbage.
 */
final class WireInput implements DataInput {
    private final byte[] buf;
    private final int limit;
    private int pos;
    /** The receiving member's learned map headers, or {@code null}: then a short map header is malformed. */
    private MapHeaderRegistry headers;

    WireInput(byte[] buf) {
        this(buf, 0, buf.length);
    }

    WireInput(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new IndexOutOfBoundsException("window " + offset + "+" + length + " of " + buf.length + " bytes");
        }
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    WireInput headers(MapHeaderRegistry known) {
        this.headers = known;
        return this;
    }

    MapHeaderRegistry headers() {
        return headers;
    }

    byte[] buffer() {
        return buf;
    }

    int position() {
        return pos;
    }

    void position(int p) {
        if (p < 0 || p > limit) {
            throw new IndexOutOfBoundsException("position " + p + " outside the window ending at " + limit);
        }
        pos = p;
    }

    /** Bytes left in the window. */
    int available() {
        return limit - pos;
    }

    private int take(int n) throws EOFException {
        if (n > limit - pos) {
            throw new EOFException("need " + n + " bytes, " + (limit - pos) + " left");
        }
        int at = pos;
        pos += n;
        return at;
    }

    @Override
    public void readFully(byte[] b) throws IOException {
        readFully(b, 0, b.length);
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
        System.arraycopy(buf, take(len), b, off, len);
    }

    @Override
    public int skipBytes(int n) {
        int skipped = Math.max(0, Math.min(n, limit - pos));
        pos += skipped;
        return skipped;
    }

    @Override
    public boolean readBoolean() throws IOException {
        return buf[take(1)] != 0;
    }

    @Override
    public byte readByte() throws IOException {
        return buf[take(1)];
    }

    @Override
    public int readUnsignedByte() throws IOException {
        return buf[take(1)] & 0xff;
    }

    @Override
    public short readShort() throws IOException {
        int at = take(2);
        return (short) ((buf[at] << 8) | (buf[at + 1] & 0xff));
    }

    @Override
    public int readUnsignedShort() throws IOException {
        return readShort() & 0xffff;
    }

    @Override
    public char readChar() throws IOException {
        return (char) readShort();
    }

    @Override
    public int readInt() throws IOException {
        int at = take(4);
        return (buf[at] << 24) | ((buf[at + 1] & 0xff) << 16) | ((buf[at + 2] & 0xff) << 8) | (buf[at + 3] & 0xff);
    }

    @Override
    public long readLong() throws IOException {
        int at = take(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[at + i] & 0xff);
        }
        return v;
    }

    @Override
    public float readFloat() throws IOException {
        return Float.intBitsToFloat(readInt());
    }

    @Override
    public double readDouble() throws IOException {
        return Double.longBitsToDouble(readLong());
    }

    @Override
    @Deprecated
    public String readLine() {
        throw new UnsupportedOperationException("no message field is a line of text");
    }

    @Override
    public String readUTF() throws IOException {
        return DataInputStream.readUTF(this);
    }
}
