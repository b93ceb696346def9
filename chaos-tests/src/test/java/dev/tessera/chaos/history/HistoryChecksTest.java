package dev.tessera.chaos.history;

import static dev.tessera.chaos.history.Op.failedWrite;
import static dev.tessera.chaos.history.Op.read;
import static dev.tessera.chaos.history.Op.unknownWrite;
import static dev.tessera.chaos.history.Op.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.chaos.history.HistoryChecks.FinalRead;
import dev.tessera.chaos.history.HistoryChecks.FinalState;
import dev.tessera.demo.admin.OpRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryChecksTest {

    private static Map<String, FinalRead> finals(String... keyValue) {
        java.util.Map<String, FinalRead> m = new java.util.HashMap<>();
        for (int i = 0; i < keyValue.length; i += 2) {
            m.put(keyValue[i], new FinalRead(keyValue[i], keyValue[i + 1], true));
        }
        return m;
    }

    @Test
    void lastAcknowledgedWriteIsFinal_noLoss() {
        List<Op> h = List.of(write("a", "k", "1", 0, 10), write("a", "k", "2", 20, 30));
        assertThat(HistoryChecks.finalState(h, finals("k", "2")).noLoss()).isTrue();
    }

    @Test
    void concurrentWritesEitherMayBeFinal() {
        List<Op> h = List.of(write("a", "k", "1", 0, 10), write("b", "k", "2", 5, 30));
        assertThat(HistoryChecks.finalState(h, finals("k", "1")).noLoss()).isTrue();
        assertThat(HistoryChecks.finalState(h, finals("k", "2")).noLoss()).isTrue();
    }

    @Test
    void unknownWriteMayBeFinal_evenIfOld() {
        List<Op> h = List.of(unknownWrite("a", "k", "1", 0), write("b", "k", "2", 20, 30));
        assertThat(HistoryChecks.finalState(h, finals("k", "1")).noLoss()).isTrue();
    }

    @Test
    void olderValueFinal_countsEveryLaterAcknowledgedWrite() {
        List<Op> h = List.of(write("a", "k", "1", 0, 10), write("a", "k", "2", 20, 30), write("b", "k", "3", 40, 50));
        FinalState fs = HistoryChecks.finalState(h, finals("k", "1"));
        assertThat(fs.lostAckedWrites()).isEqualTo(2);
        assertThat(fs.noLoss()).isFalse();
    }

    @Test
    void missingValue_losesEveryAcknowledgedWrite() {
        List<Op> h = List.of(write("a", "k", "1", 0, 10), unknownWrite("a", "k", "2", 20));
        java.util.Map<String, FinalRead> f = new java.util.HashMap<>();
        f.put("k", new FinalRead("k", null, true));
        assertThat(HistoryChecks.finalState(h, f).lostAckedWrites()).isEqualTo(1);
    }

    @Test
    void inventedAndRefusedFinalValues() {
        List<Op> h = List.of(write("a", "k", "1", 0, 10), failedWrite("a", "j", "9", 0, 10));
        assertThat(HistoryChecks.finalState(h, finals("k", "x", "j", "~none")).invented()).hasSize(2);
        assertThat(HistoryChecks.finalState(h, finals("k", "1", "j", "9")).refusedWriteVisible()).containsExactly("j=9");
    }

    @Test
    void unreadableKeyWithAcknowledgedWritesIsReported() {
        List<Op> h = List.of(write("a", "k", "1", 0, 10));
        assertThat(HistoryChecks.finalState(h, Map.of()).unreadable()).isEqualTo(1);
    }

    @Test
    void badReads() {
        List<Op> h = List.of(write("a", "k", "1", 0, 10), failedWrite("a", "k", "2", 20, 30),
                read("b", "k", "1", 40, 50), read("b", "k", "2", 60, 70), read("b", "k", "3", 80, 90),
                read("b", "k", null, 100, 110));
        HistoryChecks.BadReads bad = HistoryChecks.badReads(h);
        assertThat(bad.invented()).extracting(Op::value).containsExactly("3");
        assertThat(bad.ofFailedWrites()).extracting(Op::value).containsExactly("2");
    }

    @Test
    void availabilityCountsInvocationsInTheWindow() {
        List<Op> h = List.of(write("a", "k", "1", 0, 10), failedWrite("a", "k", "2", 20, 30),
                unknownWrite("a", "k", "3", 40), read("b", "k", "1", 50, 60));
        assertThat(HistoryChecks.availability(h, 20, 51, op -> true).percent()).isEqualTo(100.0 / 3);
    }

    @Test
    void recordLinesRoundTrip() {
        OpRecord r = new OpRecord("m1", "t0", 7, false, "k3", OpRecord.NULL_VALUE, 100, 200, OpRecord.Outcome.OK, null);
        assertThat(OpRecord.parse(r.toLine())).isEqualTo(r);
        Op op = Op.of(r);
        assertThat(op.value()).isNull();
        assertThat(op.process()).isEqualTo("m1/t0");
        OpRecord inFlight = new OpRecord("m1", "t1", 8, true, "k3", "m1-t1-8", 300, -1, OpRecord.Outcome.UNKNOWN, null);
        assertThat(Op.of(OpRecord.parse(inFlight.toLine())).complete()).isEqualTo(Op.NEVER);
    }
}
