package dev.tessera.grid.core.serialization;

import dev.tessera.grid.GridSerializationException;
import java.nio.charset.StandardCharsets;

/**
 * The String fast path: tag + body, the body's length implied by the payload's.
 *
 * <ul>
 *   <li>Strings whose chars are all {@code <= 0xFF} (ASCII and Latin-1, the common case for keys)
 *       are one byte per char: encoding and decoding are a single array copy of the string's
 *       compact Latin-1 representation.
 *   <li>Other strings are WTF-8: UTF-8 where a well-formed surrogate pair becomes one 4-byte
 *       sequence and an unpaired surrogate its own 3-byte sequence. Plain UTF-8 encoders replace
 *       unpaired surrogates with {@code '?'}, which would make {@code "a\uD800"} and {@code "a?"} the
 *       same key.
 * </ul>
 *
 * The encoding is a function of the string (deterministic), and the decoder is strict: it accepts
 * exactly the byte strings the encoder produces, so one key has one byte form.
 */
final class StringCodec {
    private StringCodec() {}

    /** Encodes {@code s} as a complete payload (tag included). */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exact for chars <= 0xFF
    static byte[] encode(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) > 0xFF) {
                return encodeWtf8(s);
            }
        }
        byte[] out = new byte[n + 1];
        out[0] = WireFormat.TAG_STRING_LATIN1;
        s.getBytes(0, n, out, 1);
        return out;
    }

    static String decodeLatin1(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    private static byte[] encodeWtf8(String s) {
        int n = s.length();
        long size = 1;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                size += 1;
            } else if (c < 0x800) {
                size += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                size += 4;
                i++;
            } else {
                size += 3;
            }
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new GridSerializationException("Cannot serialize a String of " + n + " chars: too large");
        }
        byte[] out = new byte[(int) size];
        out[0] = WireFormat.TAG_STRING_UTF8;
        int p = 1;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out[p++] = (byte) c;
            } else if (c < 0x800) {
                out[p++] = (byte) (0xC0 | (c >> 6));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[p++] = (byte) (0xF0 | (cp >> 18));
                out[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                out[p++] = (byte) (0xE0 | (c >> 12));
                out[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return out;
    }

    /** Strict WTF-8 decoder for the body of a {@link WireFormat#TAG_STRING_UTF8} payload. */
    static String decodeWtf8(byte[] b, int off, int len) {
        // a WTF-8 body never decodes to more chars than it has bytes
        char[] chars = new char[len];
        int n = 0;
        int maxChar = 0;
        int end = off + len;
        int p = off;
        while (p < end) {
            int b0 = b[p] & 0xFF;
            if (b0 < 0x80) {
                chars[n++] = (char) b0;
                p++;
            } else if (b0 >= 0xC2 && b0 <= 0xDF) {
                int b1 = continuation(b, p + 1, end);
                char c = (char) (((b0 & 0x1F) << 6) | b1);
                chars[n++] = c;
                maxChar = Math.max(maxChar, c);
                p += 2;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                int b1 = continuation(b, p + 1, end);
                int b2 = continuation(b, p + 2, end);
                int c = ((b0 & 0x0F) << 12) | (b1 << 6) | b2;
                if (c < 0x800) {
                    throw malformed("overlong 3-byte sequence");
                }
                if (Character.isLowSurrogate((char) c) && n > 0 && Character.isHighSurrogate(chars[n - 1])) {
                    // a pair must be encoded as one 4-byte sequence, never as two 3-byte ones
                    // (a high surrogate as the last char can only come from a 3-byte sequence)
                    throw malformed("surrogate pair encoded as two sequences");
                }
                chars[n++] = (char) c;
                maxChar = Math.max(maxChar, c);
                p += 3;
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                int b1 = continuation(b, p + 1, end);
                int b2 = continuation(b, p + 2, end);
                int b3 = continuation(b, p + 3, end);
                int cp = ((b0 & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3;
                if (cp < 0x10000 || cp > Character.MAX_CODE_POINT) {
                    throw malformed("code point out of range");
                }
                chars[n++] = Character.highSurrogate(cp);
                chars[n++] = Character.lowSurrogate(cp);
                maxChar = 0xFFFF;
                p += 4;
            } else {
                throw malformed("invalid lead byte 0x" + Integer.toHexString(b0));
            }
        }
        if (maxChar <= 0xFF) {
            throw malformed("Latin-1 string in UTF-8 form (non-canonical)");
        }
        return new String(chars, 0, n);
    }

    private static int continuation(byte[] b, int i, int end) {
        if (i >= end) {
            throw malformed("truncated sequence");
        }
        int v = b[i] & 0xFF;
        if ((v & 0xC0) != 0x80) {
            throw malformed("invalid continuation byte");
        }
        return v & 0x3F;
    }

    private static GridSerializationException malformed(String why) {
        return new GridSerializationException("Cannot deserialize String: malformed WTF-8 (" + why + ")");
    }
}
