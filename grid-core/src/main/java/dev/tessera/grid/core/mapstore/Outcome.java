package dev.tessera.grid.core.mapstore;

import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.OpCode;
import java.util.Arrays;

/**
 * What a mutating operation does to a key's live record, decided before the store is called (the
 * write-through counterpart of the primary's own decision, with the same rules).
 *
 * @param changes  whether the entry changes
 * @param newValue the value it changes to, {@code null} for a removal
 * @param flag     the operation's boolean result
 * @param previous the live value before, or {@code null}
 * @param previousVersion the live record's version, 0 if none
 */
record Outcome(boolean changes, byte[] newValue, boolean flag, byte[] previous, long previousVersion) {

    static Outcome decide(ClientOp op, Record live) {
        byte[] cur = live == null ? null : live.value();
        long version = live == null ? 0 : live.version();
        return switch (op.code()) {
            case PUT, SET -> new Outcome(true, op.value(), false, cur, version);
            case REMOVE, DELETE -> new Outcome(cur != null, null, false, cur, version);
            case PUT_IF_ABSENT -> new Outcome(cur == null, op.value(), false, cur, version);
            case REPLACE -> new Outcome(cur != null, op.value(), false, cur, version);
            case REPLACE_IF_EQUALS -> {
                boolean hit = cur != null && Arrays.equals(cur, op.expected());
                yield new Outcome(hit, op.value(), hit, cur, version);
            }
            case REMOVE_IF_EQUALS -> {
                boolean hit = cur != null && Arrays.equals(cur, op.expected());
                yield new Outcome(hit, null, hit, cur, version);
            }
            case SET_IF_VERSION -> {
                boolean hit = version == op.expectedVersion();
                yield new Outcome(hit && (op.value() != null || cur != null), op.value(), hit, cur, version);
            }
            default -> throw new IllegalArgumentException(op.code() + " is not a key mutation");
        };
    }

    /** Operations whose result depends on the previous value: on a miss it is read through first. */
    static boolean needsPrevious(OpCode code) {
        return switch (code) {
            case PUT, REMOVE, PUT_IF_ABSENT, REPLACE, REPLACE_IF_EQUALS, REMOVE_IF_EQUALS -> true;
            default -> false;
        };
    }

    /** Whether the caller gets the previous value back (as the primary's own answer does). */
    static boolean returnsPrevious(OpCode code) {
        return switch (code) {
            case PUT, REMOVE, PUT_IF_ABSENT, REPLACE, SET_IF_VERSION -> true;
            default -> false;
        };
    }
}
