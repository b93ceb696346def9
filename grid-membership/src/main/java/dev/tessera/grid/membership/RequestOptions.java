package dev.tessera.grid.membership;

/**
 * How {@link ClusterChannel#request} sends one request.
 *
 * @param timeoutMillis how long the caller waits for the reply, &gt; 0
 * @param inline        the target's handler runs on the thread that delivers the request and the reply completes the
 *                      caller's future on the thread that delivers it (a JGroups thread): for handlers and
 *                      continuations that never block (see {@link ClusterChannel})
 * @param bounded       the request counts against {@code maxInFlightRequests}: the caller blocks up to the timeout for
 *                      a permit. For application threads only, never from a handler or listener
 */
public record RequestOptions(long timeoutMillis, boolean inline, boolean bounded) {
    public RequestOptions {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeoutMillis must be > 0: " + timeoutMillis);
        }
    }

    /** A plain request: handled on the target's worker pool, not bounded. */
    public static RequestOptions timeout(long millis) {
        return new RequestOptions(millis, false, false);
    }

    /** These options, {@link #inline() inline}. */
    public RequestOptions andInline() {
        return new RequestOptions(timeoutMillis, true, bounded);
    }

    /** These options, {@link #bounded() bounded}. */
    public RequestOptions andBounded() {
        return new RequestOptions(timeoutMillis, inline, true);
    }
}
