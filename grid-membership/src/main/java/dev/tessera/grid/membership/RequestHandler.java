package dev.tessera.grid.membership;

import java.util.concurrent.CompletableFuture;

/**
 * Answers requests sent with {@link ClusterChannel#request}. Called on a channel worker thread (never a JGroups
 * thread), concurrently for concurrent requests. It must return quickly; the reply is sent when the returned future
 * completes. Exceptional completion (or a thrown exception) makes the caller's future fail with
 * {@link RemoteRequestException} carrying the exception's message. A {@code null} result is delivered as
 * {@code null}.
 */
@FunctionalInterface
public interface RequestHandler {
    CompletableFuture<byte[]> handle(MemberId sender, byte[] request);

    /**
     * {@link #handle(MemberId, byte[])} with the id the sender gave the request. A handler that passes
     * {@code (sender, requestId)} on to another member, which answers the sender with
     * {@link ClusterChannel#forwardReply}, completes its future with {@link ClusterChannel#REPLIED_ELSEWHERE}:
     * this member then sends no reply of its own.
     */
    default CompletableFuture<byte[]> handle(MemberId sender, long requestId, byte[] request) {
        return handle(sender, request);
    }
}
