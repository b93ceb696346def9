package dev.tessera.grid.core.wire;

import java.io.IOException;

/**
 * Decoding of the messages members exchange. A message is a {@link MessageType} byte, then the fields,
 * written by the message records, grouped by protocol: {@link ClientMessages}, {@link ReplicationMessages},
 * {@link TopologyMessages}, {@link QueryMessages}, {@link EventMessages} (and {@link WriteBehindFlushed},
 * {@link CompatibilityInfo}), with the field encodings they share in {@link FieldCodecs}. Decoding validates
 * lengths and ids and throws {@link MalformedMessageException} for anything malformed, so a hostile or
 * corrupt message never reaches a store.
 */
public final class Messages {
    private Messages() {}

    /** The type of an encoded message. */
    public static MessageType typeOf(byte[] message) {
        if (message == null || message.length == 0) {
            throw new MalformedMessageException("empty message");
        }
        return MessageType.of(message[0]);
    }

    /** Decodes any message; the result's class tells its type. A short map header is malformed here. */
    public static Object decode(byte[] message) {
        return decode(message, (MapHeaderRegistry) null);
    }

    /**
     * Decodes any message a member received, reading short map headers with the headers it learned, {@code known},
     * and teaching it the full ones.
     *
     * @throws UnknownMapHeaderException a short map header {@code known} does not hold
     */
    public static Object decode(byte[] message, MapHeaderRegistry known) {
        MessageType type = typeOf(message);
        WireInput in = new WireInput(message, 1, message.length - 1).headers(known);
        try {
            Object m = type.decode(in);
            if (in.available() != 0) {
                throw new MalformedMessageException(type + " has " + in.available() + " trailing bytes");
            }
            return m;
        } catch (MalformedMessageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new MalformedMessageException("cannot decode " + type + ": " + e, e);
        }
    }

    /** Decodes a message that must be of class {@code expected}. */
    public static <T> T decode(byte[] message, Class<T> expected) {
        Object m = decode(message);
        if (!expected.isInstance(m)) {
            throw new MalformedMessageException("expected " + expected.getSimpleName() + ", got " + m.getClass().getSimpleName());
        }
        return expected.cast(m);
    }
}
