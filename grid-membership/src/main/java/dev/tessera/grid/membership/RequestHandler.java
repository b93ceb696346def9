package dev.tessera.grid.membership;

import java.util.concurrent.CompletableFuture;
import org.jgroups.Address;

/**
 * Answers requests sent with {@link ClusterChannel#request}. Called on a channel worker thread (never a JGroups
 * thread), concurrently for concurrent requests. It must return quickly; the reply is sent when the returned future
 * completes. Exceptional completion (or a thrown exception) makes the caller's future fail with
 * {@link RemoteRequestException} carrying the exception's message. A {@code null} result is delivered as
 * {@code null}.
 */
@FunctionalInterface
public interface RequestHandler {
    CompletableFuture<byte[]> handle(Address sender, byte[] request);
}
