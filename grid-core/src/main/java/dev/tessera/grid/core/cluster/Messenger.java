package dev.tessera.grid.core.cluster;

import dev.tessera.grid.membership.ClusterView;
import java.util.concurrent.CompletableFuture;
import dev.tessera.grid.membership.MemberId;

/** What the core needs of the cluster channel: the view and request/response or one-way messages. */
public interface Messenger {
    MemberId self();

    ClusterView view();

    /** Whether {@code member} is in the current view. */
    default boolean isMember(MemberId member) {
        return view().contains(member);
    }

    /**
     * Whether {@code member} was in an earlier view and is not in the current one. A member this
     * one has not seen yet (it joined, but our view is behind the coordinator's) has not left: a
     * copy addressed to it must wait, not be skipped.
     */
    boolean hasLeft(MemberId member);

    /** Request/response, unbounded: for member-to-member traffic (backups, migration, queries). */
    CompletableFuture<byte[]> request(MemberId to, byte[] message, long timeoutMillis);

    /** Request/response bounded by the in-flight limit: for application threads; may block for a permit. */
    CompletableFuture<byte[]> requestBounded(MemberId to, byte[] message, long timeoutMillis);

    /**
     * {@link #request}, handled on the receiver's delivering thread and completed on ours (no thread
     * hand-offs, no flow control): only for handlers and continuations that never block.
     */
    default CompletableFuture<byte[]> requestInline(MemberId to, byte[] message, long timeoutMillis) {
        return request(to, message, timeoutMillis);
    }

    /** {@link #requestBounded}, inline like {@link #requestInline}. */
    default CompletableFuture<byte[]> requestBoundedInline(MemberId to, byte[] message, long timeoutMillis) {
        return requestBounded(to, message, timeoutMillis);
    }

    void send(MemberId to, byte[] message);

    /**
     * Answers request {@code requestId} of {@code caller} on behalf of the member it was sent to, which passed it
     * on to this one (see {@code ClusterChannel#forwardReply}). Never blocks or throws.
     */
    void forwardReply(MemberId caller, long requestId, byte[] reply);

    /** To every other member. */
    void broadcast(byte[] message);
}
