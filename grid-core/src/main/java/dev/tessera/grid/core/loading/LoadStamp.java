package dev.tessera.grid.core.loading;

import dev.tessera.grid.core.wire.MalformedMessageException;
import java.nio.ByteBuffer;

/**
 * What a {@code LOAD_COMPLETE} carries besides the value (in {@code ClientOp.expected}, which that op
 * does not otherwise use): for how long after expiry the value may be served stale, and how long the
 * load took, for early refresh.
 *
 * @param staleForMillis stale-while-revalidate window after expiry (0: none)
 * @param loadMillis     how long the loader ran
 */
public record LoadStamp(long staleForMillis, int loadMillis) {
    private static final int SIZE = Long.BYTES + Integer.BYTES;

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).putLong(staleForMillis).putInt(loadMillis).array();
    }

    /** @throws MalformedMessageException if {@code bytes} is not a stamp */
    public static LoadStamp decode(byte[] bytes) {
        if (bytes == null || bytes.length != SIZE) {
            throw new MalformedMessageException("load stamp of " + (bytes == null ? "no" : bytes.length) + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new LoadStamp(Math.max(0, b.getLong()), Math.max(0, b.getInt()));
    }

    /** When a value expiring at {@code expiresAt} stops being servable stale; 0 if never servable after expiry. */
    public long staleUntil(long expiresAt) {
        return expiresAt > 0 && staleForMillis > 0 ? expiresAt + staleForMillis : 0;
    }
}
