package dev.tessera.chaos.history;

import static dev.tessera.chaos.history.Op.failedWrite;
import static dev.tessera.chaos.history.Op.read;
import static dev.tessera.chaos.history.Op.unknownWrite;
import static dev.tessera.chaos.history.Op.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.chaos.history.LinearizabilityChecker.Report;
import dev.tessera.chaos.history.LinearizabilityChecker.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The checker on small histories whose verdict is known, and on large generated ones. */
class LinearizabilityCheckerTest {

    private static Verdict verdict(Op... ops) {
        Report r = LinearizabilityChecker.check(List.of(ops));
        return r.keys().values().iterator().next().verdict();
    }

    // ---------------------------------------------------------------------------------- linearizable

    @Test
    void sequentialWritesAndReads() {
        assertThat(verdict(
                read("a", "k", null, 0, 1),
                write("a", "k", "1", 2, 3),
                read("b", "k", "1", 4, 5),
                write("b", "k", "2", 6, 7),
                read("a", "k", "2", 8, 9))).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void readConcurrentWithWriteMaySeeEitherValue() {
        assertThat(verdict(write("a", "k", "1", 0, 10), read("b", "k", null, 2, 3))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(write("a", "k", "1", 0, 10), read("b", "k", "1", 2, 3))).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void concurrentWritesSettleInEitherOrder() {
        assertThat(verdict(
                write("a", "k", "1", 0, 100),
                write("b", "k", "2", 0, 100),
                read("c", "k", "2", 10, 20),
                read("c", "k", "1", 30, 40),
                read("d", "k", "1", 110, 120))).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void unknownWriteMayTakeEffectLongAfterItsInvocation() {
        assertThat(verdict(
                unknownWrite("a", "k", "1", 0),
                write("b", "k", "2", 10, 20),
                read("c", "k", "2", 30, 40),
                read("c", "k", "1", 50, 60),
                read("d", "k", "1", 70, 80))).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void unknownWriteMayNeverTakeEffect() {
        assertThat(verdict(
                write("a", "k", "1", 0, 10),
                unknownWrite("b", "k", "2", 5),
                read("c", "k", "1", 30, 40))).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void unknownWriteNotYetInvokedCannotBeRead() {
        assertThat(verdict(
                read("c", "k", "2", 0, 4),
                unknownWrite("b", "k", "2", 5))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void failedWriteIsLeftOut() {
        assertThat(verdict(
                write("a", "k", "1", 0, 10),
                failedWrite("b", "k", "2", 11, 12),
                read("c", "k", "1", 30, 40))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(verdict(
                write("a", "k", "1", 0, 10),
                failedWrite("b", "k", "2", 11, 12),
                read("c", "k", "2", 30, 40))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    // ---------------------------------------------------------------------------------- not linearizable

    @Test
    void staleReadAfterCompletedWrite() {
        Report r = LinearizabilityChecker.check(List.of(
                write("a", "k", "1", 0, 10),
                write("a", "k", "2", 20, 30),
                read("b", "k", "1", 40, 50)));
        assertThat(r.linearizable()).isFalse();
        assertThat(r.violations()).singleElement().satisfies(v -> assertThat(v.detail()).contains("b R k=1"));
    }

    @Test
    void readOfNothingAfterCompletedWrite() {
        assertThat(verdict(write("a", "k", "1", 0, 10), read("b", "k", null, 20, 30)))
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void twoConcurrentWritesThenReadsFlipFlopping() {
        // both writes overlap all reads' predecessors, but once 1 -> 2 -> 1 is seen after both completed, no
        // single order of the two writes explains it
        assertThat(verdict(
                write("a", "k", "1", 0, 10),
                write("b", "k", "2", 0, 10),
                read("c", "k", "1", 20, 30),
                read("c", "k", "2", 40, 50),
                read("d", "k", "1", 60, 70))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void flipFlopDuringTheWritesIsStillNotLinearizable() {
        // reads overlap the writes: 1, 2, 1 would need write 1 twice
        assertThat(verdict(
                write("a", "k", "1", 0, 100),
                write("b", "k", "2", 0, 100),
                read("c", "k", "1", 10, 20),
                read("c", "k", "2", 30, 40),
                read("c", "k", "1", 50, 60))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void lostAcknowledgedWrite() {
        List<Op> h = List.of(
                write("a", "k", "1", 0, 10),
                write("a", "k", "2", 20, 30),
                read("final", "k", "1", 100, 110));
        assertThat(LinearizabilityChecker.check(h).linearizable()).isFalse();
        HistoryChecks.FinalState fs = HistoryChecks.finalState(h,
                Map.of("k", new HistoryChecks.FinalRead("k", "1", true)));
        assertThat(fs.lostAckedWrites()).isEqualTo(1);
        assertThat(fs.keysWithLoss()).containsExactly("k");
    }

    @Test
    void readOfInventedValue() {
        assertThat(LinearizabilityChecker.check(List.of(write("a", "k", "1", 0, 10), read("b", "k", "1x", 20, 30)))
                .violations()).singleElement().satisfies(v -> assertThat(v.detail()).contains("no acknowledged"));
    }

    @Test
    void keysAreCheckedIndependently() {
        Report r = LinearizabilityChecker.check(List.of(
                write("a", "x", "1", 0, 10), read("b", "x", "1", 20, 30),
                write("a", "y", "1", 0, 10), read("b", "y", null, 20, 30)));
        assertThat(r.keys().get("x").verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(r.keys().get("y").verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    // ---------------------------------------------------------------------------------- generated

    /**
     * A history of a real (atomic) register driven by several processes with random overlapping intervals: each
     * operation takes effect at a random instant inside its interval, so the history is linearizable by
     * construction. Some writes are reported unknown (half of them took effect). Returns ops sorted by process.
     */
    static List<Op> generate(long seed, int processes, int opsPerProcess, int keys) {
        Random rnd = new Random(seed);
        record Pending(Op op, long effect, boolean applies) {}
        List<Pending> all = new ArrayList<>();
        int seq = 0;
        for (int p = 0; p < processes; p++) {
            long t = rnd.nextInt(50);
            for (int i = 0; i < opsPerProcess; i++) {
                long invoke = t + rnd.nextInt(20);
                long effect = invoke + 1 + rnd.nextInt(60);
                long complete = effect + 1 + rnd.nextInt(60);
                String key = "k" + rnd.nextInt(keys);
                boolean write = rnd.nextBoolean();
                boolean unknown = write && rnd.nextInt(20) == 0;
                String value = write ? "p" + p + "-" + (seq++) : null;
                Op op = write ? (unknown ? unknownWrite("p" + p, key, value, invoke) : write("p" + p, key, value, invoke, complete))
                        : read("p" + p, key, null, invoke, complete);
                all.add(new Pending(op, effect, !unknown || rnd.nextBoolean()));
                t = complete + 1;
                if (unknown) {
                    break; // a process whose operation timed out stops (its thread would be blocked anyway)
                }
            }
        }
        // apply in effect order to compute what each read returned
        all.sort((a, b) -> Long.compare(a.effect(), b.effect()));
        java.util.Map<String, String> register = new java.util.HashMap<>();
        List<Op> out = new ArrayList<>();
        for (Pending pd : all) {
            Op op = pd.op();
            if (op.write()) {
                if (pd.applies()) {
                    register.put(op.key(), op.value());
                }
                out.add(op);
            } else {
                out.add(read(op.process(), op.key(), register.get(op.key()), op.invoke(), op.complete()));
            }
        }
        return out;
    }

    @Test
    void generatedLinearizableHistoriesPass() {
        for (long seed = 1; seed <= 30; seed++) {
            List<Op> h = generate(seed, 8, 300, 4);
            Report r = LinearizabilityChecker.check(h);
            assertThat(r.linearizable()).as("seed %d: %s %s", seed, r.summary(), r.violations()).isTrue();
        }
    }

    @Test
    void generatedHistoriesWithOneStaleReadFail() {
        int caught = 0;
        for (long seed = 1; seed <= 30; seed++) {
            List<Op> h = new ArrayList<>(generate(seed, 6, 200, 3));
            // replace the value of a late read by the value of the earliest acknowledged write to its key, when a
            // later acknowledged write completed before the read began: a stale read
            h.sort((a, b) -> Long.compare(a.invoke(), b.invoke()));
            for (int i = h.size() - 1; i >= 0; i--) {
                Op r = h.get(i);
                if (r.write()) {
                    continue;
                }
                Op first = null;
                Op laterDone = null;
                for (Op w : h) {
                    if (w.write() && w.ok() && w.key().equals(r.key())) {
                        if (first == null) {
                            first = w;
                        } else if (w.invoke() > first.complete() && w.complete() < r.invoke()) {
                            laterDone = w;
                        }
                    }
                }
                if (first != null && laterDone != null && !first.value().equals(r.value())) {
                    h.set(i, read(r.process(), r.key(), first.value(), r.invoke(), r.complete()));
                    assertThat(LinearizabilityChecker.check(h).linearizable()).as("seed %d", seed).isFalse();
                    caught++;
                    break;
                }
            }
        }
        assertThat(caught).isGreaterThan(20);
    }

    @Test
    void searchBudgetGivesInconclusiveNotAPass() {
        List<Op> h = generate(7, 8, 300, 1);
        Report r = LinearizabilityChecker.check(h, 10);
        assertThat(r.inconclusive()).isNotEmpty();
        assertThat(r.linearizable()).isFalse();
    }
}
