package dev.tessera.grid.core.wire;

/**
 * A request names its map by a header digest that the receiver has not learned (it joined, restarted or forgot it):
 * nothing was applied. The receiver answers {@link Status#UNKNOWN_CONFIG} and the sender resends the request with
 * the full header. Where no such answer exists it is rejected like any message that cannot be decoded.
 */
public final class UnknownMapHeaderException extends MalformedMessageException {
    private static final long serialVersionUID = 1L;

    private final long digest;

    UnknownMapHeaderException(long digest) {
        super("unknown map header digest " + Long.toHexString(digest), null, false);
        this.digest = digest;
    }

    public long digest() {
        return digest;
    }
}
