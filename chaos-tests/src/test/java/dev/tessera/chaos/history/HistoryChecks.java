package dev.tessera.chaos.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Linear-time checks of a recorded history (complements {@link LinearizabilityChecker}):
 * <ul>
 *   <li>{@link #counts}: operations attempted, acknowledged, failed, unknown;</li>
 *   <li>{@link #badReads}: reads that returned a value nobody tried to write (invented or torn), and reads that
 *       returned the value of a write the grid refused (a write reported as not applied was visible);</li>
 *   <li>{@link #finalState}: after the run, the final read of every key returns the last acknowledged write or a
 *       write that may have taken effect after it; every acknowledged write that is provably older than the final
 *       value, yet started after the final value's write had completed, counts as lost;</li>
 *   <li>{@link #availability}: acknowledged / attempted among operations invoked in a time window.</li>
 * </ul>
 */
public final class HistoryChecks {
    private HistoryChecks() {}

    /** Operation counts. */
    public record Counts(long attempted, long ok, long failed, long unknown, long writes, long ackedWrites) {
        @Override
        public String toString() {
            return "attempted=" + attempted + " acknowledged=" + ok + " failed=" + failed + " unknown=" + unknown
                    + " (writes " + writes + ", acknowledged writes " + ackedWrites + ")";
        }
    }

    public static Counts counts(List<Op> ops) {
        long ok = 0;
        long failed = 0;
        long unknown = 0;
        long writes = 0;
        long ackedWrites = 0;
        for (Op op : ops) {
            switch (op.outcome()) {
                case OK -> ok++;
                case FAIL -> failed++;
                default -> unknown++;
            }
            if (op.write()) {
                writes++;
                if (op.ok()) {
                    ackedWrites++;
                }
            }
        }
        return new Counts(ops.size(), ok, failed, unknown, writes, ackedWrites);
    }

    /** Reads that returned something they should not have. */
    public record BadReads(List<Op> invented, List<Op> ofFailedWrites) {
        public boolean none() {
            return invented.isEmpty() && ofFailedWrites.isEmpty();
        }

        @Override
        public String toString() {
            return "invented=" + invented.size() + " ofRefusedWrites=" + ofFailedWrites.size()
                    + (invented.isEmpty() ? "" : " e.g. " + invented.get(0))
                    + (ofFailedWrites.isEmpty() ? "" : " e.g. " + ofFailedWrites.get(0));
        }
    }

    public static BadReads badReads(List<Op> ops) {
        Map<String, Map<String, Op>> writes = writesByKeyAndValue(ops);
        List<Op> invented = new ArrayList<>();
        List<Op> failed = new ArrayList<>();
        for (Op op : ops) {
            if (op.write() || !op.ok() || op.value() == null) {
                continue;
            }
            Op w = writes.getOrDefault(op.key(), Map.of()).get(op.value());
            if (w == null) {
                invented.add(op);
            } else if (w.outcome() == Op.Outcome.FAIL) {
                failed.add(op);
            }
        }
        return new BadReads(invented, failed);
    }

    /** The final read of one key: the value ({@code null} = none) or {@code readable=false} if the read failed. */
    public record FinalRead(String key, String value, boolean readable) {}

    /** Outcome of the final-state check. */
    public record FinalState(int keys, int unreadable, long lostAckedWrites, List<String> keysWithLoss,
                             List<String> invented, List<String> refusedWriteVisible, List<String> details) {
        public boolean noLoss() {
            return unreadable == 0 && lostAckedWrites == 0 && invented.isEmpty() && refusedWriteVisible.isEmpty();
        }

        @Override
        public String toString() {
            return "keys=" + keys + " unreadable=" + unreadable + " lostAckedWrites=" + lostAckedWrites + " (keys "
                    + keysWithLoss + ") inventedFinal=" + invented + " refusedWriteVisible=" + refusedWriteVisible
                    + (details.isEmpty() ? "" : " details: " + String.join("; ", details.subList(0, Math.min(5, details.size()))));
        }
    }

    /**
     * Checks the final value of every key against the history. For the write {@code f} whose value is final, an
     * acknowledged write {@code w} is lost if {@code w} was invoked after {@code f} completed (so any linearization
     * orders it after {@code f}, yet {@code f} is what is left). A final "no value" loses every acknowledged write.
     * Writes with an unknown outcome may always be last. Keys never written need no final read.
     */
    public static FinalState finalState(List<Op> ops, Map<String, FinalRead> finals) {
        Map<String, Map<String, Op>> writes = writesByKeyAndValue(ops);
        Map<String, List<Op>> acked = new TreeMap<>();
        for (Op op : ops) {
            if (op.write() && op.ok()) {
                acked.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
            }
        }
        Set<String> keys = new HashSet<>(writes.keySet());
        keys.addAll(finals.keySet());
        int unreadable = 0;
        long lost = 0;
        List<String> lossKeys = new ArrayList<>();
        List<String> invented = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (String key : sorted(keys)) {
            List<Op> ackedHere = acked.getOrDefault(key, List.of());
            FinalRead fr = finals.get(key);
            if (fr == null || !fr.readable()) {
                if (!ackedHere.isEmpty() || fr != null) {
                    unreadable++;
                    details.add(key + ": no final read");
                }
                continue;
            }
            long lostHere;
            if (fr.value() == null) {
                lostHere = ackedHere.size();
            } else {
                Op f = writes.getOrDefault(key, Map.of()).get(fr.value());
                if (f == null) {
                    invented.add(key + "=" + fr.value());
                    continue;
                }
                long after;
                if (f.outcome() == Op.Outcome.FAIL) {
                    refused.add(key + "=" + fr.value());
                    after = f.invoke();
                } else {
                    after = f.complete();
                }
                lostHere = after == Op.NEVER ? 0 : ackedHere.stream().filter(w -> w.invoke() > after).count();
            }
            if (lostHere > 0) {
                lost += lostHere;
                lossKeys.add(key);
                Op last = ackedHere.stream().max((a, b) -> Long.compare(a.invoke(), b.invoke())).orElseThrow();
                details.add(key + ": final " + fr.value() + " but " + lostHere + " acknowledged write(s) came after it,"
                        + " the last " + last);
            }
        }
        return new FinalState(keys.size(), unreadable, lost, lossKeys, invented, refused, details);
    }

    /** Acknowledged and attempted operations among those matching {@code filter} invoked in [from, to). */
    public record Availability(long attempted, long ok) {
        public double percent() {
            return attempted == 0 ? 100.0 : 100.0 * ok / attempted;
        }

        @Override
        public String toString() {
            return String.format("%.1f%% (%d of %d)", percent(), ok, attempted);
        }
    }

    public static Availability availability(List<Op> ops, long from, long to, Predicate<Op> filter) {
        long attempted = 0;
        long ok = 0;
        for (Op op : ops) {
            if (op.invoke() >= from && op.invoke() < to && filter.test(op)) {
                attempted++;
                if (op.ok()) {
                    ok++;
                }
            }
        }
        return new Availability(attempted, ok);
    }

    /** For every key, its writes by value (values are unique per key). */
    public static Map<String, Map<String, Op>> writesByKeyAndValue(List<Op> ops) {
        Map<String, Map<String, Op>> out = new HashMap<>();
        for (Op op : ops) {
            if (op.write()) {
                Op previous = out.computeIfAbsent(op.key(), k -> new HashMap<>()).put(op.value(), op);
                if (previous != null) {
                    throw new IllegalArgumentException("value written twice to " + op.key() + ": " + previous + " and " + op);
                }
            }
        }
        return out;
    }

    private static List<String> sorted(Set<String> keys) {
        List<String> l = new ArrayList<>(keys);
        l.sort(null);
        return l;
    }
}
