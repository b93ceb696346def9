package dev.tessera.grid.core.replication;

import dev.tessera.grid.core.time.TimeSource;
import dev.tessera.grid.GridTimeoutException;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.core.wire.PeerMapHeaders;
import dev.tessera.grid.core.wire.ReplicationMessages;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import dev.tessera.grid.core.wire.ReplicationMessages.Replicate;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicateResponse;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.MemberUnreachableException;
import dev.tessera.grid.membership.RequestTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import dev.tessera.grid.membership.MemberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends copies of writes from a primary to its replicas and reports when every live synchronous
 * replica has applied them.
 *
 * <p>A replica that answers RETRY has not yet applied the table the primary used; the copy is sent
 * again shortly. A replica that left the view counts as done: the write is acknowledged by the
 * live replicas, and redundancy is rebuilt by migration. A replica that REJECTS tells the primary
 * its table is stale: the operation fails with {@link StaleOwnerException} and the caller retries.
 *
 * <p>{@link #replicateAndForward} lets the only synchronous replica answer the write's caller itself.
 *
 * <p>A copy of a write names its map by digest to a replica that has acknowledged a copy with the map's full header;
 * a replica that does not know the digest answers {@link Status#UNKNOWN_CONFIG} without applying anything, and the
 * copy is sent once more, at once, with the full header. Migration chunks and merges ({@link #sendReliably}) always
 * carry the full header.
 */
public final class Replicator {
    private static final Logger log = LoggerFactory.getLogger(Replicator.class);

    private final Messenger messenger;
    private final ScheduledExecutorService scheduler;
    private final long timeoutNanos;

    private final TimeSource time;
    private final PeerMapHeaders peerHeaders;

    public Replicator(Messenger messenger, ScheduledExecutorService scheduler, long timeoutMillis, TimeSource time) {
        this.time = time;
        this.messenger = messenger;
        this.scheduler = scheduler;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.peerHeaders = new PeerMapHeaders(messenger::isMember);
    }

    /**
     * One copy, encoded at most once with each map header: with the short one for the replicas that know its digest,
     * the full one for the others. A fixed message (a migration chunk, a merge) is sent as it is.
     */
    private static final class Copy {
        private final Replicate copy;
        private final long digest;
        private byte[] shortHeader;
        private byte[] fullHeader;

        Copy(Replicate copy) {
            this.copy = copy;
            this.digest = copy.mapDigest();
        }

        Copy(byte[] fixed) {
            this.copy = null;
            this.digest = 0;
            this.fullHeader = fixed;
        }

        boolean fixed() {
            return copy == null;
        }

        /** Synchronized: attempts to several replicas and retries run on different threads; uncontended otherwise. */
        synchronized byte[] bytes(boolean receiverKnowsMap) {
            if (receiverKnowsMap) {
                if (shortHeader == null) {
                    shortHeader = copy.encode(true);
                }
                return shortHeader;
            }
            if (fullHeader == null) {
                fullHeader = copy.encode(false);
            }
            return fullHeader;
        }
    }

    /**
     * Copies {@code entries} to the map's replicas per {@code table}; completes when the sync ones applied them or
     * left: with {@code true} if every sync replica applied them, {@code false} if one left first (a CONSISTENT
     * write must then confirm its side's quorum before it is acknowledged).
     */
    public CompletableFuture<Boolean> replicate(PartitionTable table, String map, MapConfig config, int p,
                                                List<ReplicaEntry> entries) {
        MemberId self = messenger.self();
        List<MemberId> sync = ReplicaTargets.sync(table, p, self, config);
        List<MemberId> async = ReplicaTargets.async(table, p, self, config, sync);
        if (sync.isEmpty() && async.isEmpty()) {
            return CompletableFuture.completedFuture(true);
        }
        Copy message = new Copy(new Replicate(table.version(), map, config, p, entries));
        long deadline = time.nanoTime() + timeoutNanos;
        copyToAsync(async, message, deadline, p);
        if (sync.isEmpty()) {
            return CompletableFuture.completedFuture(true);
        }
        if (sync.size() == 1) {
            return send(sync.get(0), message, deadline, true);
        }
        List<CompletableFuture<Boolean>> acks = new ArrayList<>(sync.size());
        for (MemberId m : sync) {
            acks.add(send(m, message, deadline, true));
        }
        return allApplied(acks);
    }

    /** Completes when every one of {@code acks} did: {@code true} if all are {@code true}, failed if one failed. */
    public static CompletableFuture<Boolean> allApplied(List<CompletableFuture<Boolean>> acks) {
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenApply(done -> {
            for (CompletableFuture<Boolean> a : acks) {
                if (!a.join()) {
                    return false;
                }
            }
            return true;
        });
    }

    /**
     * {@link #replicate}, where the map has exactly one synchronous replica for {@code p}: its copy carries
     * {@code reply}, which that replica sends to the caller once it applied the copy
     * ({@link ReplicationMessages.ForwardedReply}). Completes with whether it did, i.e. acknowledged the copy; if
     * {@code false} (another number of sync replicas, or the replica left before acknowledging) the caller
     * has not been answered and the primary must answer it. Asynchronous replicas get the copy without the
     * reply: the caller must not hear of a write before its synchronous replica holds it.
     */
    public CompletableFuture<Boolean> replicateAndForward(PartitionTable table, String map, MapConfig config, int p,
                                                          List<ReplicaEntry> entries, ReplicationMessages.ForwardedReply reply) {
        MemberId self = messenger.self();
        List<MemberId> sync = ReplicaTargets.sync(table, p, self, config);
        if (sync.size() != 1) {
            return replicate(table, map, config, p, entries).thenApply(x -> false);
        }
        List<MemberId> async = ReplicaTargets.async(table, p, self, config, sync);
        long deadline = time.nanoTime() + timeoutNanos;
        if (!async.isEmpty()) {
            copyToAsync(async, new Copy(new Replicate(table.version(), map, config, p, entries)), deadline, p);
        }
        return send(sync.get(0), new Copy(new Replicate(table.version(), map, config, p, entries, reply)), deadline, true);
    }

    private void copyToAsync(List<MemberId> async, Copy message, long deadline, int p) {
        for (MemberId a : async) {
            send(a, message, deadline, true).exceptionally(e -> {
                log.debug("async backup of partition {} to {} failed: {}", p, a, e.toString());
                return false;
            });
        }
    }

    /**
     * Sends one {@link Replicate} message until it is applied, the receiver is gone, or the deadline passes.
     * Completes with {@code true} if the receiver applied it, {@code false} if it left first.
     */
    public CompletableFuture<Boolean> sendReliably(MemberId to, byte[] message, long deadlineNanos) {
        return send(to, new Copy(message), deadlineNanos, false);
    }

    /**
     * @param inline whether the copy is applied on the receiver's delivering thread and acknowledged on ours
     *               ({@link Messenger#requestInline}): for the copies of single writes, whose continuations
     *               (the write's reply) never block; not for migration chunks, which are big and flow-controlled
     */
    private CompletableFuture<Boolean> send(MemberId to, Copy message, long deadlineNanos, boolean inline) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        attempt(to, message, deadlineNanos, 0, done, inline, false);
        return done;
    }

    /** @param fullHeader whether {@code to} answered {@link Status#UNKNOWN_CONFIG}: the full header, whatever we knew */
    private void attempt(MemberId to, Copy message, long deadline, int attempt, CompletableFuture<Boolean> done, boolean inline,
                         boolean fullHeader) {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - time.nanoTime());
        if (remaining <= 0) {
            done.completeExceptionally(new GridTimeoutException("Backup copy to " + to + " not acknowledged in time", -1, String.valueOf(to)));
            return;
        }
        if (messenger.hasLeft(to)) {
            done.complete(false); // a replica that left is not waited for: migration rebuilds redundancy
            return;
        }
        if (!messenger.isMember(to)) {
            retryLater(to, message, deadline, attempt, done, inline); // it joined, but our view does not show it yet
            return;
        }
        boolean shortHeader = !fullHeader && !message.fixed() && peerHeaders.knows(to, message.digest);
        byte[] bytes = message.bytes(shortHeader);
        CompletableFuture<byte[]> sent = inline ? messenger.requestInline(to, bytes, remaining)
                : messenger.request(to, bytes, remaining);
        sent.whenComplete((reply, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof MemberUnreachableException) {
                    retryLater(to, message, deadline, attempt, done, inline);
                } else if (cause instanceof RequestTimeoutException) {
                    done.completeExceptionally(new GridTimeoutException("Backup copy to " + to + " timed out", -1, String.valueOf(to)));
                } else {
                    done.completeExceptionally(cause);
                }
                return;
            }
            ReplicateResponse r;
            try {
                r = Messages.decode(reply, ReplicateResponse.class);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                return;
            }
            if (!message.fixed()) {
                if (!shortHeader && r.status() != Status.RETRY) {
                    // it decoded the full header, so it learned it (a RETRY may come before decoding: a copy made with
                    // a table the replica has not applied yet)
                    peerHeaders.acknowledged(to, message.digest);
                } else if (r.status() == Status.UNKNOWN_CONFIG) {
                    peerHeaders.forget(to, message.digest);
                    resendWithFullHeader(to, message, deadline, attempt, done, inline);
                    return;
                }
            }
            switch (r.status()) {
                case OK -> done.complete(true);
                case RETRY -> retryLater(to, message, deadline, attempt, done, inline);
                case REJECTED -> done.completeExceptionally(new StaleOwnerException(to + " rejected the copy at table " + r.tableVersion(), r.tableVersion()));
                default -> done.completeExceptionally(new IllegalStateException(to + " failed to apply the copy: " + r.status()));
            }
        });
    }

    private void resendWithFullHeader(MemberId to, Copy message, long deadline, int attempt, CompletableFuture<Boolean> done,
                                      boolean inline) {
        try {
            scheduler.execute(() -> attempt(to, message, deadline, attempt, done, inline, true)); // off the delivering thread
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            done.completeExceptionally(new IllegalStateException("this member stopped while copying to " + to));
        }
    }

    private void retryLater(MemberId to, Copy message, long deadline, int attempt, CompletableFuture<Boolean> done, boolean inline) {
        long delay = Math.min(50, 1L << Math.min(attempt, 6));
        try {
            scheduler.schedule(() -> attempt(to, message, deadline, attempt + 1, done, inline, false), delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            done.completeExceptionally(new IllegalStateException("this member stopped while copying to " + to));
        }
    }
}
