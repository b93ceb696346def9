package dev.tessera.grid.core.wire;

import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A growable big-endian {@link DataOutput} over one byte array: what every message codec writes into. It never
 * throws {@link IOException} itself (the interface declares it).
 */
final class WireOutput implements DataOutput {
    private byte[] buf;
    private int pos;

    WireOutput(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** The bytes written, without copying when the buffer is exactly full. */
    byte[] toByteArray() {
        return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            int need = pos + more;
            if (need < 0) {
                throw new IllegalStateException("message larger than 2 GiB");
            }
            buf = Arrays.copyOf(buf, Math.max(need, buf.length + (buf.length >> 1)));
        }
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    @Override
    public void writeBoolean(boolean v) {
        write(v ? 1 : 0);
    }

    @Override
    public void writeByte(int v) {
        write(v);
    }

    @Override
    public void writeShort(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    @Override
    public void writeChar(int v) {
        writeShort(v);
    }

    @Override
    public void writeInt(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    @Override
    public void writeLong(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[pos++] = (byte) (v >>> shift);
        }
    }

    @Override
    public void writeFloat(float v) {
        writeInt(Float.floatToIntBits(v));
    }

    @Override
    public void writeDouble(double v) {
        writeLong(Double.doubleToLongBits(v));
    }

    @Override
    public void writeBytes(String s) {
        for (int i = 0; i < s.length(); i++) {
            write(s.charAt(i));
        }
    }

    @Override
    public void writeChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            writeChar(s.charAt(i));
        }
    }

    @Override
    public void writeUTF(String s) {
        try (DataOutputStream utf = new DataOutputStream(new java.io.OutputStream() { // modified UTF-8 as the JDK writes it
            @Override
            public void write(int b) {
                WireOutput.this.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                WireOutput.this.write(b, off, len);
            }
        })) {
            utf.writeUTF(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
