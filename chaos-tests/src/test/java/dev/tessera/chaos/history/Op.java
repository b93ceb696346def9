package dev.tessera.chaos.history;

import dev.tessera.demo.admin.OpRecord;
import java.util.Objects;

/**
 * One operation on a register (one key of a map), as the checkers see it.
 *
 * @param process  who issued it; operations of one process never overlap (e.g. {@code m1/t0})
 * @param key      the register
 * @param write    {@code true} for a write of {@code value}, {@code false} for a read that returned {@code value}
 * @param value    the value written, or the value read ({@code null}: the read found no value, or the read did not
 *                 complete)
 * @param invoke   nanoTime just before the call
 * @param complete nanoTime just after it returned; {@link #NEVER} if it never completed or its outcome is unknown
 * @param outcome  {@link Outcome#OK} acknowledged, {@link Outcome#FAIL} definitely not applied,
 *                 {@link Outcome#UNKNOWN} possibly applied
 */
public record Op(String process, String key, boolean write, String value, long invoke, long complete,
                 Outcome outcome) {

    /** Completion time of an operation that may take effect at any time after its invocation. */
    public static final long NEVER = Long.MAX_VALUE;

    public enum Outcome { OK, FAIL, UNKNOWN }

    public Op {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(outcome, "outcome");
        if (outcome == Outcome.UNKNOWN) {
            complete = NEVER;
        }
        if (complete < invoke) {
            throw new IllegalArgumentException("completes before it starts: " + invoke + " > " + complete);
        }
    }

    public static Op write(String process, String key, String value, long invoke, long complete) {
        return new Op(process, key, true, value, invoke, complete, Outcome.OK);
    }

    public static Op unknownWrite(String process, String key, String value, long invoke) {
        return new Op(process, key, true, value, invoke, NEVER, Outcome.UNKNOWN);
    }

    public static Op failedWrite(String process, String key, String value, long invoke, long complete) {
        return new Op(process, key, true, value, invoke, complete, Outcome.FAIL);
    }

    public static Op read(String process, String key, String value, long invoke, long complete) {
        return new Op(process, key, false, value, invoke, complete, Outcome.OK);
    }

    public boolean ok() {
        return outcome == Outcome.OK;
    }

    /** Converts a recorded workload line; reads that did not complete with a value keep outcome FAIL/UNKNOWN. */
    public static Op of(OpRecord r) {
        Outcome o = switch (r.outcome()) {
            case OK -> Outcome.OK;
            case FAIL -> Outcome.FAIL;
            case UNKNOWN -> Outcome.UNKNOWN;
        };
        if (r.completeNanos() < 0) {
            o = Outcome.UNKNOWN;
        }
        String value = r.value();
        if (!r.write() && OpRecord.NULL_VALUE.equals(value)) {
            value = null;
        }
        return new Op(r.member() + "/" + r.thread(), r.key(), r.write(), value, r.invokeNanos(),
                o == Outcome.UNKNOWN ? NEVER : r.completeNanos(), o);
    }

    /** Member part of the process name ({@code m1} of {@code m1/t0}). */
    public String member() {
        int slash = process.indexOf('/');
        return slash < 0 ? process : process.substring(0, slash);
    }

    @Override
    public String toString() {
        return process + " " + (write ? "W " : "R ") + key + "=" + value + " [" + invoke + ", "
                + (complete == NEVER ? "?" : String.valueOf(complete)) + "] " + outcome;
    }
}
