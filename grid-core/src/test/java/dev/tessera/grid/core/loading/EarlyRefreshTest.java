package dev.tessera.grid.core.loading;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.Record;
import org.junit.jupiter.api.Test;

/** The XFetch rule: refresh iff now - loadMillis * beta * ln(u) >= expiresAt. */
class EarlyRefreshTest {
    /** Expires at 10 000, loaded in 100 ms. */
    private static final Bytes KEY = Bytes.wrap(new byte[] {7});
    private static final Record LOADED = Record.of(KEY, new byte[] {1}, 1, 1, 10_000, 0, 100, false);

    @Test
    void refreshesExactlyWhenTheDrawnHeadStartReachesExpiry() {
        double u = Math.exp(-1); // -ln(u) = 1: a head start of loadMillis * beta = 100 ms
        assertThat(EarlyRefresh.due(LOADED, 9_900, 1.0, u)).isTrue();
        assertThat(EarlyRefresh.due(LOADED, 9_899, 1.0, u)).isFalse();
        assertThat(EarlyRefresh.due(LOADED, 9_800, 2.0, u)).as("beta 2 doubles the head start").isTrue();
        assertThat(EarlyRefresh.due(LOADED, 9_799, 2.0, u)).isFalse();
        assertThat(EarlyRefresh.due(LOADED, 9_999, 1.0, 1.0)).as("u = 1: no head start").isFalse();
        assertThat(EarlyRefresh.due(LOADED, 10_000, 1.0, 1.0)).isTrue();
    }

    @Test
    void neverWithBetaZero_withoutExpiry_orWithoutLoadTime() {
        assertThat(EarlyRefresh.due(LOADED, 9_999, 0, 1e-300)).isFalse();
        assertThat(EarlyRefresh.due(Record.of(KEY, new byte[] {1}, 1, 1, 0, 0, 100, true), 9_999, 1.0, 1e-300)).isFalse();
        assertThat(EarlyRefresh.due(Record.of(KEY, new byte[] {1}, 1, 1, 10_000, 0, 0, true), 9_999, 1.0, 1e-300)).isFalse();
    }

    @Test
    void refreshProbabilityAtAGivenLeadMatchesTheExponentialLaw() {
        // P(refresh at 'lead' ms before expiry) = exp(-lead / (loadMillis * beta)) = exp(-1) at lead 100, beta 1
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        int n = 200_000;
        int due = 0;
        for (int i = 0; i < n; i++) {
            if (EarlyRefresh.due(LOADED, 9_900, 1.0, 1 - random.nextDouble())) {
                due++;
            }
        }
        assertThat((double) due / n).isCloseTo(Math.exp(-1), org.assertj.core.data.Offset.offset(0.01));
    }
}
