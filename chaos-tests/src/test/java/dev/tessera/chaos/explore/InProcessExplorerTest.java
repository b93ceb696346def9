package dev.tessera.chaos.explore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fixed sample of in-process fault schedules ({@link ScheduleExplorer}), part of the default build. Replay one:
 * {@code -Dexplorer.seed=N}; a longer run: {@code -Dexplorer.from=N -Dexplorer.count=1000}.
 */
class InProcessExplorerTest {
    /** Seeds 1..SAMPLE, unless a replay or a run is asked for. */
    static final int SAMPLE = 12;

    static Stream<Long> seeds() {
        String one = System.getProperty("explorer.seed");
        if (one != null) {
            return Stream.of(Long.parseLong(one));
        }
        long from = Long.getLong("explorer.from", 1);
        long count = Long.getLong("explorer.count", SAMPLE);
        return LongStream.range(from, from + count).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void schedule_losesNothing_andHealsToMatchingReplicas(long seed) throws InterruptedException {
        ScheduleExplorer.Result result = ScheduleExplorer.run(seed);
        assertThat(result.problems()).as(result.toString()).isEmpty();
        assertThat(result.ackedWrites()).as("acknowledged writes of " + result.schedule()).isPositive();
    }
}
