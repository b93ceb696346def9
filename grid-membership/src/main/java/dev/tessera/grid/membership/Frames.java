package dev.tessera.grid.membership;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The channel's own framing inside a JGroups message: one type byte, then for requests and replies the 8-byte request
 * id, then the body. Error replies carry the failed handler's exception class and message as two UTF strings.
 */
final class Frames {
    static final byte REQUEST = 1;
    static final byte REPLY = 2;
    static final byte REPLY_NULL = 3;
    static final byte REPLY_ERROR = 4;
    static final byte MESSAGE = 5;
    static final byte BROADCAST = 6;
    /** A request the sender marked inline ({@link RequestOptions#inline()}). */
    static final byte REQUEST_INLINE = 7;
    /** A reply to an inline request: completes the caller's future on the receiving thread. */
    static final byte REPLY_INLINE = 8;
    /** A reply sent by a member other than the request's target, on the target's behalf. */
    static final byte REPLY_FORWARDED = 9;
    /** Type byte plus request id. */
    static final int ID_HEADER = 9;
    private static final int MAX_ERROR_CHARS = 8_000;

    private Frames() {
    }

    static byte[] frame(byte type, long id, byte[] body) {
        byte[] b = new byte[ID_HEADER + body.length];
        b[0] = type;
        ByteBuffer.wrap(b, 1, 8).putLong(id);
        System.arraycopy(body, 0, b, ID_HEADER, body.length);
        return b;
    }

    static byte[] frame(byte type, byte[] body) {
        byte[] b = new byte[1 + body.length];
        b[0] = type;
        System.arraycopy(body, 0, b, 1, body.length);
        return b;
    }

    static byte[] errorFrame(long id, Throwable cause) {
        String msg = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName();
        if (msg.length() > MAX_ERROR_CHARS) {
            msg = msg.substring(0, MAX_ERROR_CHARS) + "...";
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + msg.length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(cause.getClass().getName());
            out.writeUTF(msg);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return frame(REPLY_ERROR, id, bytes.toByteArray());
    }

    static boolean isRequest(byte type) {
        return type == REQUEST || type == REQUEST_INLINE;
    }

    static boolean isOneWay(byte type) {
        return type == MESSAGE || type == BROADCAST;
    }

    /** @throws IllegalArgumentException if the frame is too short to hold an id */
    static long readId(byte[] buf, int off, int len) {
        if (len < ID_HEADER) {
            throw new IllegalArgumentException("message too short (" + len + " bytes)");
        }
        return ByteBuffer.wrap(buf, off + 1, 8).getLong();
    }

    /** The {exception class, message} of an error reply; a malformed one reads as such, it never throws. */
    static String[] readError(byte[] buf, int off, int len) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(buf, off + ID_HEADER, len - ID_HEADER));
        try {
            return new String[] {in.readUTF(), in.readUTF()};
        } catch (IOException e) {
            return new String[] {"unknown", "malformed error reply"};
        }
    }
}
