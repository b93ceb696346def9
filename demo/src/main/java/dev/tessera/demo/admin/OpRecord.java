package dev.tessera.demo.admin;

/**
 * One operation of a recorded workload, as one tab-separated line of text.
 *
 * <pre>
 * member  thread  seq  W|R  key  value  invokeNanos  completeNanos  OK|FAIL|UNKNOWN  error
 * </pre>
 *
 * <ul>
 *   <li>{@code value}: for a write the value written; for a read that completed the value read, {@code ~} for
 *       "no value" (null); {@code -} for a read that failed or timed out.</li>
 *   <li>{@code invokeNanos}/{@code completeNanos}: {@link System#nanoTime()} just before the call and just after it
 *       returned or threw. On Linux this is CLOCK_MONOTONIC, comparable between processes of one host.
 *       {@code completeNanos} is {@code -1} for an operation that never completed (still in flight when the
 *       history was taken, or the process died).</li>
 *   <li>outcome: {@code OK} acknowledged; {@code FAIL} definitely not applied (the grid refused it:
 *       {@code GridUnavailableException} with {@code mayHaveBeenApplied() == false}); {@code UNKNOWN} may or may
 *       not have been applied (timeout, member stopping, a {@code GridUnavailableException} with
 *       {@code mayHaveBeenApplied() == true}, any other failure).</li>
 *   <li>{@code error}: the exception's simple class name ({@code GridUnavailableException(mayHaveBeenApplied)} for
 *       a refusal whose write may have been applied), or {@code -}.</li>
 * </ul>
 *
 * <p>Values written by a workload are {@code <member>-<thread>-<seq>}: unique per key, so every read can be
 * attributed to exactly one write. Keys and values never contain tabs or spaces.
 */
public record OpRecord(String member, String thread, long seq, boolean write, String key, String value,
                       long invokeNanos, long completeNanos, Outcome outcome, String error) {

    /** How an operation ended. */
    public enum Outcome { OK, FAIL, UNKNOWN }

    /** Marker for a read that returned no value. */
    public static final String NULL_VALUE = "~";
    /** Marker for "no value recorded". */
    public static final String NO_VALUE = "-";

    public String toLine() {
        return member + '\t' + thread + '\t' + seq + '\t' + (write ? 'W' : 'R') + '\t' + key + '\t'
                + (value == null ? NO_VALUE : value) + '\t' + invokeNanos + '\t' + completeNanos + '\t' + outcome
                + '\t' + (error == null ? NO_VALUE : error);
    }

    /** Parses {@link #toLine()}; the inverse for every record this class writes. */
    public static OpRecord parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 10) {
            throw new IllegalArgumentException("expected 10 tab-separated fields, got " + f.length + ": " + line);
        }
        return new OpRecord(f[0], f[1], Long.parseLong(f[2]), "W".equals(f[3]), f[4],
                NO_VALUE.equals(f[5]) ? null : f[5], Long.parseLong(f[6]), Long.parseLong(f[7]),
                Outcome.valueOf(f[8]), NO_VALUE.equals(f[9]) ? null : f[9]);
    }
}
