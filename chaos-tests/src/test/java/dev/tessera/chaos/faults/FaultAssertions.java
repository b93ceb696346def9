package dev.tessera.chaos.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.chaos.harness.ChaosRun;

/** The assertions the fault tests share. */
final class FaultAssertions {
    private FaultAssertions() {}

    /** Every acknowledged write survives in the final state, and no read returned a value nobody wrote. */
    static void assertNoLossNoInvention(ChaosRun.Result r) {
        assertThat(r.badReads().invented()).as("reads of values nobody wrote (invented or torn)").isEmpty();
        assertThat(r.finalState().invented()).as("final values nobody wrote").isEmpty();
        assertThat(r.finalState().unreadable()).as("keys whose final read failed").isZero();
        assertThat(r.finalState().refusedWriteVisible()).as("final values written by writes reported as refused").isEmpty();
        assertThat(r.finalState().lostAckedWrites()).as("acknowledged writes lost: %s", r.finalState().details()).isZero();
    }

    /** Per-key linearizability of the whole recorded history, final reads included. */
    static void assertLinearizable(ChaosRun.Result r) {
        assertThat(r.linearizability().violations()).as("keys whose history is not linearizable").isEmpty();
        assertThat(r.linearizability().inconclusive()).as("keys the checker could not decide within its budget").isEmpty();
    }
}
