package dev.tessera.grid.core.owner;

import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.loading.LoadLeases;
import dev.tessera.grid.core.loading.LoadStamp;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.replication.ChangeCause;
import dev.tessera.grid.core.replication.ChangeObserver;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.store.UncommittedWrites;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.OpCode;
import dev.tessera.grid.core.wire.ReplicationMessages.ForwardedReply;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.MemberId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.ObjIntConsumer;

/**
 * One mutating operation applied to one key at its primary, inside the store's atomic update of
 * that key: decides the outcome from the current record and, if the entry changes, allocates the
 * write's version there, so versions of one key increase in the order its writes were applied.
 * An expired entry counts as absent. A change is told to the {@link ChangeObserver} inside the
 * update, so observers see one key's changes in order, and registered there as uncommitted
 * ({@link UncommittedWrites}) until the writer settles {@link #commit}.
 *
 * <p>A single-key write is also its own {@link PartitionWrite} (one object per write on the hottest path:
 * the mutation, the description and the answer); a putAll applies one per key inside its own write.
 */
final class KeyMutation extends PartitionWrite<OpResponse> implements BiFunction<Bytes, Record, Record> {
    private final ClientOp op;
    /** Its version counter, clock and observers. */
    private final PartitionWriter writer;
    private final long now;

    private long previousHlc;
    boolean changed;
    boolean flag;
    byte[] previous;
    long previousVersion;
    byte[] newValue;
    long newVersion;
    long newHlc;
    long newExpiresAt;
    long newStaleUntil;
    int newLoadMillis;
    /** LOAD_COMPLETE: the live version its lease was granted at (0: absent); the value is stored only over that. */
    long loadBase;
    private ChangeCause cause = ChangeCause.WRITE;
    /** EXECUTE_ON_KEY: runs the operation's processor; set by the primary. */
    KeyProcessing processing;
    /** EXECUTE_ON_KEY: why the processor did not run or failed (the entry is unchanged), or null. */
    String error;

    // ---- as a single-key write: set by the constructor for one ----
    private final Bytes key;
    private final ObjIntConsumer<MapContainer> afterWrite;
    private final LoadLeases loads;
    /** Whether the write's one synchronous replica answers the requester (then this member does not). */
    private final boolean forwarding;
    private final MemberId caller;
    private final long requestId;
    private final boolean consistent;
    private OpResponse response;

    /**
     * A single-key write.
     *
     * @param caller where the backup may send the answer, or {@code null}: this member answers
     * @param loads  the getOrLoad leases told of a LOAD_COMPLETE
     */
    KeyMutation(ClientOp op, MapContainer map, PartitionWriter writer, ObjIntConsumer<MapContainer> afterWrite,
                LoadLeases loads, MemberId caller, long requestId) {
        super(map, op.partition(), new CompletableFuture<>());
        this.op = op;
        this.writer = writer;
        this.now = map.nowMillis();
        this.key = Bytes.wrap(op.key());
        this.afterWrite = afterWrite;
        this.loads = loads;
        this.consistent = map.config().splitBrainMode() == SplitBrainMode.CONSISTENT;
        // a CONSISTENT write's answer depends on the quorum after the copy: only this member can give it
        this.forwarding = caller != null && !consistent;
        this.caller = caller;
        this.requestId = requestId;
    }

    /** One key of a batch applied inside another write. @param commit shared by the writes of the batch */
    KeyMutation(ClientOp op, MapContainer map, PartitionWriter writer, CompletableFuture<Boolean> commit) {
        super(map, op.partition(), commit);
        this.op = op;
        this.writer = writer;
        this.now = map.nowMillis();
        this.key = null;
        this.afterWrite = null;
        this.loads = null;
        this.forwarding = false;
        this.caller = null;
        this.requestId = 0;
        this.consistent = false;
    }

    @Override
    public Record apply(Bytes key, Record current) {
        Record live = current == null || current.isTombstone() || map.isExpired(current, now) ? null : current;
        boolean present = live != null;
        previousHlc = current == null ? 0 : current.hlc();
        previous = present && returnsPrevious(op.code()) ? live.value() : null; // a copy: only when it is sent back
        previousVersion = present ? current.version() : 0;
        switch (op.code()) {
            case PUT, SET -> write(op.value());
            case REMOVE, DELETE -> {
                if (present) {
                    write(null);
                }
            }
            case PUT_IF_ABSENT -> {
                if (!present) {
                    write(op.value());
                }
            }
            case LOAD_IF_ABSENT -> {
                if (!present && (current == null ? 0 : current.version()) == op.expectedVersion()) {
                    write(op.value());
                }
            }
            case REPLACE -> {
                if (present) {
                    write(op.value());
                }
            }
            case REPLACE_IF_EQUALS -> {
                if (present && live.valueEquals(op.expected())) {
                    write(op.value());
                    flag = true;
                }
            }
            case REMOVE_IF_EQUALS -> {
                if (present && live.valueEquals(op.expected())) {
                    write(null);
                    flag = true;
                }
            }
            case SET_IF_VERSION -> {
                if (previousVersion == op.expectedVersion()) {
                    flag = true;
                    if (op.value() != null || present) {
                        write(op.value());
                    }
                }
            }
            case LOAD_COMPLETE -> {
                if (op.value() != null && previousVersion == loadBase) {
                    LoadStamp stamp = LoadStamp.decode(op.expected());
                    write(op.value());
                    loaded(stamp);
                    flag = true;
                }
            }
            case EXECUTE_ON_KEY -> {
                KeyProcessing.Outcome outcome = processing.run(key.array(), present ? live.value() : null, op.value());
                previous = outcome.result(); // what goes back to the caller: the processor's result
                error = outcome.error();
                if (outcome.changed()) {
                    write(outcome.newValue());
                    if (outcome.ttlMillis() > 0) {
                        newExpiresAt = map.expiresAt(now, outcome.ttlMillis()); // the processor's own time-to-live
                    }
                }
            }
            default -> throw new IllegalArgumentException(op.code() + " is not a key mutation");
        }
        if (!changed) {
            if (live != null && map.tracked()) {
                live.touch(now); // a conditional write that did not change the entry still used it
            }
            return current;
        }
        Record next = Record.of(key, newValue, newVersion, newHlc, newExpiresAt, newStaleUntil, newLoadMillis, map.tracked());
        writer.observers.onChange(map, op.partition(), key, live, next, op.code() == OpCode.LOAD_IF_ABSENT ? ChangeCause.LOADED : cause);
        map.partition(partition).uncommitted().add(key, commit);
        return next;
    }

    private void write(byte[] value) {
        changed = true;
        newValue = value;
        newVersion = writer.topology.nextVersion(op.partition());
        newHlc = writer.clock.after(previousHlc);
        newExpiresAt = value == null ? 0 : map.expiresAt(now, op.ttlMillis());
    }

    private void loaded(LoadStamp stamp) {
        newStaleUntil = stamp.staleUntil(newExpiresAt);
        newLoadMillis = stamp.loadMillis();
        cause = ChangeCause.LOADED;
    }

    // ---- the single-key write ----

    @Override
    OpResponse notOwner(PartitionTable applied) {
        return OpResponse.status(Status.WRONG_OWNER, applied.version());
    }

    @Override
    void apply(PartitionStore store) {
        store.compute(key, this);
    }

    @Override
    void applied(PartitionTable applied) {
        if (error != null) {
            return;
        }
        if (op.code() == OpCode.LOAD_COMPLETE) { // the waiters get what the key now holds (a racing write wins)
            loads.loaded(map.name(), op, changed ? newValue : previous != null ? previous : op.value());
        }
        response = new OpResponse(Status.OK, flag, returnsPrevious(op.code()) ? previous : null, previousVersion,
                applied.version(), null);
    }

    @Override
    boolean changed() {
        return changed;
    }

    @Override
    CompletableFuture<OpResponse> unchanged(PartitionStore store, PartitionTable applied) {
        if (error != null) { // EXECUTE_ON_KEY whose processor failed: nothing changed
            return CompletableFuture.completedFuture(new OpResponse(Status.ERROR, false, null, 0, applied.version(), error));
        }
        // decided from the current value: answered once that value is committed
        return OwnerReads.afterCommitOf(store, key, response, applied.version());
    }

    @Override
    List<ReplicaEntry> copies() {
        return List.of(new ReplicaEntry(op.key(), newValue, newVersion, newHlc, newExpiresAt, newStaleUntil, newLoadMillis));
    }

    @Override
    void beforeCopy() {
        afterWrite.accept(map, partition);
    }

    @Override
    ForwardedReply forwardTo(PartitionTable applied) {
        return forwarding ? new ForwardedReply(caller, requestId, response.encode()) : null;
    }

    @Override
    void settleKeys(PartitionStore store) {
        store.uncommitted().settle(key, commit);
    }

    @Override
    boolean confirmsQuorum() {
        return consistent;
    }

    /** {@code null} if the replica answered the requester ({@link PrimaryOperations#execute(ClientOp, MemberId, long)}). */
    @Override
    OpResponse answer(Object acked, PartitionTable applied) {
        if (forwarding && Boolean.TRUE.equals(acked)) { // false: the backup left unanswered, we answer
            return null;
        }
        // A backup that vanished counts as done; on a minority side that must not acknowledge. The write
        // is in our store already (and may be on backups): refused, but possibly applied.
        return consistent && writer.quorumLost() ? writer.unavailable(map, applied.version(), true) : response;
    }

    @Override
    OpResponse failed(Throwable error, PartitionTable applied) {
        return PartitionWriter.failure(error, applied.version()); // if the backup did answer, the caller took that answer
    }

    /** Whether the operation's caller wants the previous value back. */
    static boolean returnsPrevious(OpCode code) {
        return switch (code) {
            case PUT, REMOVE, PUT_IF_ABSENT, REPLACE, SET_IF_VERSION, LOAD_COMPLETE, EXECUTE_ON_KEY -> true;
            default -> false;
        };
    }
}
