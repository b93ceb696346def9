package dev.tessera.grid.core.routing;

import dev.tessera.grid.core.time.TimeSource;
import dev.tessera.grid.GridException;
import dev.tessera.grid.GridLimitException;
import dev.tessera.grid.GridLoadException;
import dev.tessera.grid.GridTimeoutException;
import dev.tessera.grid.GridUnavailableException;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.owner.PrimaryOperations;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.OpCode;
import dev.tessera.grid.core.wire.PeerMapHeaders;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.MemberUnreachableException;
import dev.tessera.grid.membership.MembershipException;
import dev.tessera.grid.membership.RemoteRequestException;
import dev.tessera.grid.membership.RequestTimeoutException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import dev.tessera.grid.membership.MemberId;

/**
 * Sends an operation to its partition's primary and retries transparently while ownership moves:
 * on WRONG_OWNER (the receiver is not the primary at its table), RETRY (the receiver's table is
 * older than ours), NO_LEASE (a CONSISTENT map's primary whose read lease lapsed: its table is about to
 * change) or a primary that left, it waits with a short exponential back-off for the new
 * table and tries again, until the operation timeout. Users see latency during a topology change,
 * not errors.
 *
 * <p>Each operation carries the wall-clock time at which this caller gives up on it
 * ({@link ClientOp#deadlineMillis()}) and this member's address; a primary receiving it later, or
 * receiving it from a member that it has seen drop out of the table since the table the operation
 * was routed with (the other side of a split, whose dropped requests the transport retransmits once
 * the split heals), does not run it.
 *
 * <p>A write to a {@link SplitBrainMode#CONSISTENT} map is not retried once its primary became unreachable after it
 * was sent: it fails with {@link GridUnavailableException#mayHaveBeenApplied()} (see {@link #lostInFlight}). Other
 * writes (AVAILABLE maps) are retried then, and may be applied twice.
 *
 * <p>A write refused with {@link GridUnavailableException} reports
 * {@link GridUnavailableException#mayHaveBeenApplied()} when the refusing primary had already
 * applied it, or when an earlier attempt of the same call may have been applied: by a primary whose
 * table was stale, or by a member that became unreachable after the attempt was sent (the transport
 * may still deliver it before the deadline).
 *
 * <p>An operation names its map by digest ({@link ClientOp#encode(boolean)}) to a primary that has answered one with
 * the map's full header; a primary that does not know the digest answers {@link Status#UNKNOWN_CONFIG} without
 * applying anything, and the operation is sent once more, at once, with the full header.
 */
public final class OperationInvoker {
    private final Messenger messenger;
    private final TopologyState topology;
    private final PrimaryOperations primary;
    private final ScheduledExecutorService scheduler;
    private final long timeoutNanos;
    private final long timeoutMillis;
    private final BooleanSupplier running;
    private final TimeSource time;
    private final LongAdder retries = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    /** Calls waiting in the scheduler for their next attempt: a stopping member's scheduler drops them ({@link #stop}). */
    private final Set<Call> parked = ConcurrentHashMap.newKeySet();
    private final LongAdder fullHeaderResends = new LongAdder();
    private final PeerMapHeaders peerHeaders;

    /** @param running whether this member still runs: once it stopped, failures are reported as such */
    public OperationInvoker(Messenger messenger, TopologyState topology, PrimaryOperations primary,
                            ScheduledExecutorService scheduler, long timeoutMillis, BooleanSupplier running, TimeSource time) {
        this.messenger = messenger;
        this.topology = topology;
        this.primary = primary;
        this.scheduler = scheduler;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.timeoutMillis = timeoutMillis;
        this.running = running;
        this.time = time;
        this.peerHeaders = new PeerMapHeaders(messenger::isMember);
    }

    /** Runs {@code code} on the primary of {@code partition}; completes with the primary's OK response. */
    public CompletableFuture<OpResponse> invoke(String map, MapConfig config, int partition, OpCode code,
                                                byte[] key, byte[] value, byte[] expected, long expectedVersion) {
        return invoke(map, config, partition, code, key, value, expected, expectedVersion, 0);
    }

    /** {@link #invoke(String, MapConfig, int, OpCode, byte[], byte[], byte[], long)} with a write's time-to-live (0: the map's). */
    public CompletableFuture<OpResponse> invoke(String map, MapConfig config, int partition, OpCode code,
                                                byte[] key, byte[] value, byte[] expected, long expectedVersion, long ttlMillis) {
        Call call = new Call(map, config, partition, code, key, value, expected, expectedVersion, time.nanoTime() + timeoutNanos,
                time.wallMillis() + timeoutMillis, ttlMillis);
        attempt(call, true);
        return call.result;
    }

    private void attempt(Call call, boolean callerThread) {
        PartitionTable t = topology.table();
        MemberId owner = t.primary(call.partition);
        call.lastOwner = owner;
        long remainingMs = TimeUnit.NANOSECONDS.toMillis(call.deadline - time.nanoTime());
        if (remainingMs <= 0) {
            call.result.completeExceptionally(timeout(call));
            return;
        }
        boolean local = owner != null && owner.equals(messenger.self());
        if (owner == null || (!local && !messenger.isMember(owner))) {
            retryLater(call); // nothing sent: the table naming a departed owner is about to be replaced
            return;
        }
        ClientOp op = new ClientOp(t.version(), call.map, call.config, call.partition, call.code, call.key, call.value,
                call.expected, call.expectedVersion, call.wallDeadline, messenger.self(), call.ttlMillis);
        CompletableFuture<OpResponse> reply;
        boolean shortHeader = false;
        if (local) {
            reply = primary.execute(op, false);
        } else {
            if (call.mapDigest == 0) {
                call.mapDigest = op.mapDigest(); // once per call: a cached lookup, but per attempt is needless
            }
            shortHeader = !call.fullHeader && peerHeaders.knows(owner, call.mapDigest);
            byte[] message = op.encode(shortHeader);
            // inline: the primary runs it on its delivering thread and our reply completes on ours (non-blocking both)
            CompletableFuture<byte[]> raw = callerThread
                    ? messenger.requestBoundedInline(owner, message, remainingMs)
                    : messenger.requestInline(owner, message, remainingMs);
            reply = raw.thenApply(bytes -> Messages.decode(bytes, OpResponse.class));
        }
        boolean sentShort = shortHeader;
        reply.whenComplete((r, error) -> {
            if (error == null && !local) {
                if (!sentShort) {
                    peerHeaders.acknowledged(owner, call.mapDigest); // it decoded the full header, so it learned it
                } else if (r.status() == Status.UNKNOWN_CONFIG) {
                    peerHeaders.forget(owner, call.mapDigest);
                    resendWithFullHeader(call);
                    return;
                }
            }
            if ((error != null || r.status() != Status.OK) && !running.getAsBoolean()) {
                call.result.completeExceptionally(new IllegalStateException(
                        "This member stopped while " + call.code + " on partition " + call.partition + " was in flight"));
                return;
            }
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof MemberUnreachableException) {
                    if (!local && call.code.mutating) {
                        // the request may have been sent: the transport can still deliver it (until our deadline)
                        call.mayHaveBeenApplied = true;
                        if (call.config.splitBrainMode() == SplitBrainMode.CONSISTENT) {
                            call.result.completeExceptionally(lostInFlight(call));
                            return;
                        }
                    }
                    retryLater(call);
                } else if (cause instanceof RequestTimeoutException) {
                    call.result.completeExceptionally(timeout(call));
                } else if (cause instanceof MembershipException && !(cause instanceof RemoteRequestException)) {
                    call.result.completeExceptionally(new IllegalStateException(
                            "This member stopped while " + call.code + " was in flight: " + cause.getMessage(), cause));
                } else {
                    call.result.completeExceptionally(cause instanceof GridException ? cause
                            : new GridException("Operation " + call.code + " on partition " + call.partition + " failed: " + cause, cause));
                }
                return;
            }
            if (r.mayHaveBeenApplied()) {
                call.mayHaveBeenApplied = true;
            }
            switch (r.status()) {
                case OK -> call.result.complete(r);
                case WRONG_OWNER, RETRY, REJECTED, NO_LEASE -> retryLater(call);
                case UNAVAILABLE -> call.result.completeExceptionally(unavailable(call, r));
                case TIMEOUT -> call.result.completeExceptionally(timeout(call));
                case LIMIT -> call.result.completeExceptionally(new GridLimitException("Operation " + call.code + " on map '"
                        + call.map + "' refused by " + call.lastOwner + ": " + r.error()));
                case LOAD_FAILED -> call.result.completeExceptionally(new GridLoadException("Operation " + call.code
                        + " on map '" + call.map + "': " + r.error()));
                case ERROR -> call.result.completeExceptionally(new GridException("Operation " + call.code + " on partition "
                        + call.partition + " failed at " + call.lastOwner + ": " + r.error()));
                case UNKNOWN_CONFIG -> call.result.completeExceptionally(new GridException("Operation " + call.code
                        + " on map '" + call.map + "': " + call.lastOwner + " did not read its full map header"));
            }
        });
    }

    /** The primary did not know the map's digest: the same operation again, at once, with the full header. */
    private void resendWithFullHeader(Call call) {
        fullHeaderResends.increment();
        call.fullHeader = true;
        try {
            scheduler.execute(() -> attempt(call, false)); // not on the delivering thread that brought the answer
        } catch (RejectedExecutionException stopped) {
            call.result.completeExceptionally(new IllegalStateException(
                    "This member stopped while " + call.code + " on partition " + call.partition + " was being resent"));
        }
    }

    /** Operations sent again with the full map header because their primary did not know its digest. */
    public long fullHeaderResends() {
        return fullHeaderResends.sum();
    }

    private void retryLater(Call call) {
        retries.increment();
        long delayMs = Math.min(50, 1L << Math.min(call.attempts++, 6));
        if (time.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs) - call.deadline > 0) {
            call.result.completeExceptionally(timeout(call));
            return;
        }
        parked.add(call);
        try {
            scheduler.schedule(() -> {
                if (parked.remove(call)) { // not failed by stop() meanwhile
                    attempt(call, false);
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            parked.remove(call);
            failStopped(call);
        }
        if (!running.getAsBoolean() && parked.remove(call)) { // stop() ran between the add and the schedule
            failStopped(call);
        }
    }

    /**
     * Fails the calls waiting for a retry: called once this member stopped ({@code running} is false), before or
     * after its scheduler dropped their next attempts, so no caller of this member waits for an attempt that will
     * never run.
     */
    public void stop() {
        for (Call call : parked) {
            if (parked.remove(call)) {
                failStopped(call);
            }
        }
    }

    private static void failStopped(Call call) {
        call.result.completeExceptionally(new IllegalStateException(
                "This member stopped while " + call.code + " on partition " + call.partition + " was being retried"));
    }

    /**
     * A CONSISTENT write whose primary became unreachable after the write was sent: that primary may have applied it
     * and copied it to the backup promoted now, which serves it and takes later writes. A retry there would apply it a
     * second time, after writes others have made and read meanwhile: no order of the writes explains that history
     * (issue 16). So the outcome is reported unknown, as after a timeout, and the caller decides.
     */
    private static GridUnavailableException lostInFlight(Call call) {
        return new GridUnavailableException("Write " + call.code + " to CONSISTENT map '" + call.map + "' (partition "
                + call.partition + "): its primary " + call.lastOwner + " became unreachable while the write was in flight."
                + " It may have been applied, so it is not retried (a second application could land after later writes):"
                + " read the key to find out, or retry it if it is idempotent", true);
    }

    private static GridUnavailableException unavailable(Call call, OpResponse r) {
        if (!call.mayHaveBeenApplied) {
            return new GridUnavailableException(r.error(), false);
        }
        String why = r.mayHaveBeenApplied() ? "" : " (an earlier attempt of this write may have been applied: its outcome is unknown)";
        return new GridUnavailableException(r.error() + why, true);
    }

    /** Whether this member still runs (a caller waiting for an operation stops waiting once it does not). */
    public boolean memberRunning() {
        return running.getAsBoolean();
    }

    /** Attempts repeated because ownership was moving, since this member started. */
    public long retries() {
        return retries.sum();
    }

    /** Operations that failed with {@link GridTimeoutException}, since this member started. */
    public long timeouts() {
        return timeouts.sum();
    }

    /** Each call completes once, so each call that gives up is counted once. */
    private GridTimeoutException timeout(Call call) {
        timeouts.increment();
        return new GridTimeoutException("Operation " + call.code + " on map '" + call.map + "' partition " + call.partition
                + " did not complete within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms (last owner tried: "
                + call.lastOwner + ", " + call.attempts + " retries)", call.partition, String.valueOf(call.lastOwner));
    }

    private static final class Call {
        final String map;
        final MapConfig config;
        final int partition;
        final OpCode code;
        final byte[] key;
        final byte[] value;
        final byte[] expected;
        final long expectedVersion;
        final long deadline;
        /** {@link #deadline} as wall-clock time, for the primary: {@link ClientOp#deadlineMillis()}. */
        final long wallDeadline;
        final long ttlMillis;
        final CompletableFuture<OpResponse> result = new CompletableFuture<>();
        volatile MemberId lastOwner;
        volatile int attempts;
        /** Whether an earlier attempt may have been applied (see the class comment). */
        volatile boolean mayHaveBeenApplied;
        /** The digest naming the map on the wire (0 until first sent to another member). */
        volatile long mapDigest;
        /** Whether a primary answered {@link Status#UNKNOWN_CONFIG}: every later attempt carries the full header. */
        volatile boolean fullHeader;

        Call(String map, MapConfig config, int partition, OpCode code, byte[] key, byte[] value, byte[] expected,
             long expectedVersion, long deadline, long wallDeadline, long ttlMillis) {
            this.ttlMillis = ttlMillis;
            this.map = map;
            this.config = config;
            this.partition = partition;
            this.code = code;
            this.key = key;
            this.value = value;
            this.expected = expected;
            this.expectedVersion = expectedVersion;
            this.deadline = deadline;
            this.wallDeadline = wallDeadline;
        }
    }
}
