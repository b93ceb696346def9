package dev.tessera.grid.core.replication;

import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.loading.LoadStamp;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.time.HybridClock;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.store.UncommittedWrites;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.OpCode;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * One mutating operation applied to one key at its primary, inside the store's atomic update of
 * that key: decides the outcome from the current record and, if the entry changes, allocates the
 * write's version there, so versions of one key increase in the order its writes were applied.
 * An expired entry counts as absent. A change is told to the {@link ChangeObserver} inside the
 * update, so observers see one key's changes in order, and registered there as uncommitted
 * ({@link UncommittedWrites}) until the caller settles {@link #commit}.
 */
final class KeyMutation implements BiFunction<Bytes, Record, Record> {
    private final ClientOp op;
    private final MapContainer map;
    private final TopologyState topology;
    private final HybridClock clock;
    private final ChangeObserver observer;
    private final long now;
    /** The write's commit, registered under the key if the entry changes; the caller completes it. */
    final CompletableFuture<Boolean> commit;

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

    KeyMutation(ClientOp op, MapContainer map, TopologyState topology, HybridClock clock, ChangeObserver observer) {
        this(op, map, topology, clock, observer, new CompletableFuture<>());
    }

    /** @param commit shared by the writes of one batch, which commit together */
    KeyMutation(ClientOp op, MapContainer map, TopologyState topology, HybridClock clock, ChangeObserver observer,
                CompletableFuture<Boolean> commit) {
        this.commit = commit;
        this.op = op;
        this.map = map;
        this.topology = topology;
        this.clock = clock;
        this.observer = observer;
        this.now = map.nowMillis();
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
        observer.onChange(map, op.partition(), key, live, next, op.code() == OpCode.LOAD_IF_ABSENT ? ChangeCause.LOADED : cause);
        map.partition(op.partition()).uncommitted().add(key, commit);
        return next;
    }

    private void write(byte[] value) {
        changed = true;
        newValue = value;
        newVersion = topology.nextVersion(op.partition());
        newHlc = clock.after(previousHlc);
        newExpiresAt = value == null ? 0 : map.expiresAt(now, op.ttlMillis());
    }

    private void loaded(LoadStamp stamp) {
        newStaleUntil = stamp.staleUntil(newExpiresAt);
        newLoadMillis = stamp.loadMillis();
        cause = ChangeCause.LOADED;
    }

    /** Whether the operation's caller wants the previous value back. */
    static boolean returnsPrevious(OpCode code) {
        return switch (code) {
            case PUT, REMOVE, PUT_IF_ABSENT, REPLACE, SET_IF_VERSION, LOAD_COMPLETE, EXECUTE_ON_KEY -> true;
            default -> false;
        };
    }
}
