package dev.tessera.chaos.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks that a recorded history of reads and writes is linearizable, one key (register) at a time: the
 * Wing–Gong search with Lowe's memoisation, as Porcupine does it.
 *
 * <p>Model: a register, initially empty ({@code null}); a write sets it, a read returns it. Operations:
 * <ul>
 *   <li>acknowledged ({@code OK}) operations must take effect once, between their invocation and completion;</li>
 *   <li>failed writes ({@code FAIL}: definitely not applied) are left out, and so are reads that did not complete
 *       (they constrain nothing);</li>
 *   <li>writes with an unknown outcome may take effect at any point after their invocation, or never: their
 *       completion is treated as infinitely late and the search may finish without them. An unknown write whose
 *       value nobody read is dropped up front; that is exact (if a linearization places it somewhere, the same
 *       order without it is also valid, since no read saw its value).</li>
 * </ul>
 *
 * <p>Search: events (calls and returns) sorted by time (a call before a return at the same instant: concurrent) in a
 * doubly linked list. Walk it; at a call, try to linearize that operation now (a read must see the current value),
 * remember the pair (set of linearized operations, register value) and skip the attempt if that pair was seen before;
 * on success remove the operation's call and return from the list and start again from the head. Reaching the return
 * of an operation not yet linearized (or the end of the list) means the current prefix cannot be extended:
 * backtrack. Success when no return event is left.
 *
 * <p>The search is exponential in the worst case; {@code maxStepsPerKey} bounds it, and a key whose search ran out
 * of steps is reported {@link Verdict#INCONCLUSIVE}, never as linearizable.
 */
public final class LinearizabilityChecker {

    public enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, INCONCLUSIVE }

    /** Result for one key. {@code detail} explains a violation: the operations around the point the search died. */
    public record KeyResult(String key, Verdict verdict, int ops, long steps, String detail) {}

    /** Result for a whole history. */
    public record Report(Map<String, KeyResult> keys) {
        public boolean linearizable() {
            return keys.values().stream().allMatch(k -> k.verdict() == Verdict.LINEARIZABLE);
        }

        public List<KeyResult> violations() {
            return keys.values().stream().filter(k -> k.verdict() == Verdict.NOT_LINEARIZABLE).toList();
        }

        public List<KeyResult> inconclusive() {
            return keys.values().stream().filter(k -> k.verdict() == Verdict.INCONCLUSIVE).toList();
        }

        public long steps() {
            return keys.values().stream().mapToLong(KeyResult::steps).sum();
        }

        public String summary() {
            return keys.size() + " keys: " + (keys.size() - violations().size() - inconclusive().size())
                    + " linearizable, " + violations().size() + " not, " + inconclusive().size()
                    + " inconclusive (" + steps() + " search steps)";
        }
    }

    public static final long DEFAULT_MAX_STEPS = 5_000_000;

    private LinearizabilityChecker() {}

    public static Report check(List<Op> history) {
        return check(history, DEFAULT_MAX_STEPS);
    }

    public static Report check(List<Op> history, long maxStepsPerKey) {
        Map<String, List<Op>> byKey = new TreeMap<>();
        for (Op op : history) {
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        Map<String, KeyResult> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
            out.put(e.getKey(), checkKey(e.getKey(), e.getValue(), maxStepsPerKey));
        }
        return new Report(out);
    }

    /** Checks the operations of one register. */
    public static KeyResult checkKey(String key, List<Op> all, long maxSteps) {
        Set<String> readValues = new HashSet<>();
        for (Op op : all) {
            if (!op.write() && op.ok() && op.value() != null) {
                readValues.add(op.value());
            }
        }
        List<Op> ops = new ArrayList<>();
        Set<String> writable = new HashSet<>();
        for (Op op : all) {
            if (op.write()) {
                if (op.outcome() == Op.Outcome.OK
                        || (op.outcome() == Op.Outcome.UNKNOWN && readValues.contains(op.value()))) {
                    ops.add(op);
                    writable.add(op.value());
                }
            } else if (op.ok()) {
                ops.add(op);
            }
        }
        // Fast failure with a clear message: a read of a value no (possibly) applied write wrote.
        for (Op op : ops) {
            if (!op.write() && op.value() != null && !writable.contains(op.value())) {
                return new KeyResult(key, Verdict.NOT_LINEARIZABLE, ops.size(), 0,
                        "read of a value no acknowledged or possibly-applied write wrote: " + op);
            }
        }
        return new Search(key, ops, maxSteps).run();
    }

    // ------------------------------------------------------------------------------------------------- search

    private static final class Node {
        final Op op;
        final int id;
        final boolean call;
        Node match; // call -> its return (null if none), return -> its call
        Node prev;
        Node next;

        Node(Op op, int id, boolean call) {
            this.op = op;
            this.id = id;
            this.call = call;
        }
    }

    private record CacheKey(BitSet linearized, String state) {}

    private record Frame(Node call, String state) {}

    private static final class Search {
        private final String key;
        private final List<Op> ops;
        private final long maxSteps;
        private final Node head = new Node(null, -1, false);
        private int returnsLeft;

        Search(String key, List<Op> ops, long maxSteps) {
            this.key = key;
            this.ops = ops;
            this.maxSteps = maxSteps;
            List<Node> events = new ArrayList<>(2 * ops.size());
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                Node c = new Node(op, i, true);
                events.add(c);
                if (op.complete() != Op.NEVER) {
                    Node r = new Node(op, i, false);
                    c.match = r;
                    r.match = c;
                    events.add(r);
                    returnsLeft++;
                }
            }
            events.sort(Comparator.comparingLong((Node n) -> n.call ? n.op.invoke() : n.op.complete())
                    .thenComparing(n -> n.call ? 0 : 1));
            Node prev = head;
            for (Node n : events) {
                prev.next = n;
                n.prev = prev;
                prev = n;
            }
        }

        KeyResult run() {
            String state = null;
            BitSet linearized = new BitSet(ops.size());
            Set<CacheKey> cache = new HashSet<>();
            Deque<Frame> stack = new ArrayDeque<>();
            Node entry = head.next;
            long steps = 0;
            int deepest = -1;
            Node stuckAt = null;
            while (true) {
                if (returnsLeft == 0) {
                    return new KeyResult(key, Verdict.LINEARIZABLE, ops.size(), steps, null);
                }
                if (++steps > maxSteps) {
                    return new KeyResult(key, Verdict.INCONCLUSIVE, ops.size(), steps,
                            "search gave up after " + maxSteps + " steps at depth " + stack.size());
                }
                if (entry != null && entry.call) {
                    Op op = entry.op;
                    boolean legal = op.write() || Objects.equals(op.value(), state);
                    if (legal) {
                        String next = op.write() ? op.value() : state;
                        linearized.set(entry.id);
                        if (cache.add(new CacheKey((BitSet) linearized.clone(), next))) {
                            stack.push(new Frame(entry, state));
                            state = next;
                            lift(entry);
                            entry = head.next;
                            continue;
                        }
                        linearized.clear(entry.id);
                    }
                    entry = entry.next;
                } else {
                    if (stack.size() > deepest) {
                        deepest = stack.size();
                        stuckAt = entry;
                    }
                    if (stack.isEmpty()) {
                        return new KeyResult(key, Verdict.NOT_LINEARIZABLE, ops.size(), steps,
                                describeFailure(deepest, stuckAt));
                    }
                    Frame f = stack.pop();
                    state = f.state();
                    linearized.clear(f.call().id);
                    unlift(f.call());
                    entry = f.call().next;
                }
            }
        }

        private void lift(Node call) {
            call.prev.next = call.next;
            if (call.next != null) {
                call.next.prev = call.prev;
            }
            Node ret = call.match;
            if (ret != null) {
                ret.prev.next = ret.next;
                if (ret.next != null) {
                    ret.next.prev = ret.prev;
                }
                returnsLeft--;
            }
        }

        private void unlift(Node call) {
            Node ret = call.match;
            if (ret != null) {
                ret.prev.next = ret;
                if (ret.next != null) {
                    ret.next.prev = ret;
                }
                returnsLeft++;
            }
            call.prev.next = call;
            if (call.next != null) {
                call.next.prev = call;
            }
        }

        /** The operation whose completion could not be passed at the deepest point, with its neighbours in time. */
        private String describeFailure(int deepest, Node stuckAt) {
            StringBuilder sb = new StringBuilder("no linearization of " + ops.size() + " operations; at most " + deepest
                    + " could be ordered. ");
            if (stuckAt == null) {
                return sb.append("Search ran out of operations to linearize.").toString();
            }
            Op stuck = stuckAt.op;
            sb.append("Stuck before the completion of: ").append(stuck).append(". Operations overlapping it:");
            List<Op> around = new ArrayList<>();
            for (Op op : ops) {
                if (op.invoke() <= stuck.complete() && op.complete() >= stuck.invoke()) {
                    around.add(op);
                }
            }
            around.sort(Comparator.comparingLong(Op::invoke));
            Map<String, Integer> shown = new HashMap<>();
            int n = 0;
            for (Op op : around) {
                if (n++ >= 20) {
                    sb.append("\n  ... ").append(around.size() - 20).append(" more");
                    break;
                }
                shown.merge(op.process(), 1, Integer::sum);
                sb.append("\n  ").append(op);
            }
            // the latest acknowledged writes that completed before the stuck operation started
            sb.append("\n  last writes completed before it:");
            ops.stream().filter(o -> o.write() && o.complete() < stuck.invoke())
                    .sorted(Comparator.comparingLong(Op::complete).reversed()).limit(3)
                    .forEach(o -> sb.append("\n  ").append(o));
            return sb.toString();
        }
    }
}
