package dev.tessera.grid.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.core.partition.PartitionTable;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A copy made with a table not applied yet waits for it, within the budget, instead of being answered RETRY. */
class EarlyCopiesTest {
    private static final byte[] OK = {1};
    private static final byte[] RETRY = {2};
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicInteger handled = new AtomicInteger();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aCopyAheadOfOurTable_isHandledWhenTheTableArrives_notBefore() throws Exception {
        EarlyCopies early = new EarlyCopies(1 << 20, applied::get, executor, executor);
        CompletableFuture<byte[]> answer = early.hold(3, 1000, this::handle, () -> RETRY);

        assertThat(answer).isNotNull();
        assertThat(early.bufferedBytes()).isEqualTo(1000);
        early.onTable(table(1), table(2));
        executor.submit(() -> { }).get(5, TimeUnit.SECONDS); // a release would have been queued before this
        assertThat(answer).isNotDone();
        assertThat(handled.get()).isZero();

        applied.set(3);
        early.onTable(table(2), table(3));
        assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo(OK);
        assertThat(handled.get()).isEqualTo(1);
        assertThat(early.bufferedBytes()).isZero();
    }

    @Test
    void beyondTheBudget_orFarAhead_theSenderIsToldToRetryAtOnce() {
        applied.set(10);
        EarlyCopies early = new EarlyCopies(1 << 20, applied::get, executor, executor);
        assertThat(early.hold(11, 700_000, this::handle, () -> RETRY)).isNotNull();
        assertThat(early.hold(11, 400_000, this::handle, () -> RETRY)).as("over the 1 MiB budget").isNull();
        assertThat(early.hold(11, 300_000, this::handle, () -> RETRY)).as("fits").isNotNull();
        assertThat(early.peakBufferedBytes()).isEqualTo(1_000_000);
        assertThat(early.hold(10 + EarlyCopies.MAX_AHEAD + 1, 10, this::handle, () -> RETRY)).as("implausibly far ahead").isNull();
    }

    @Test
    void aNewcomerWithoutATable_holdsCopiesOfAnyVersion_andOneLargerThanTheBudgetAlone() {
        EarlyCopies early = new EarlyCopies(1 << 20, applied::get, executor, executor);
        assertThat(early.hold(5_000, 2 << 20, this::handle, () -> RETRY)).isNotNull();
        assertThat(early.hold(5_000, 10, this::handle, () -> RETRY)).isNull();
    }

    @Test
    void aTableThatDoesNotCome_endsTheHoldWithRetry() {
        EarlyCopies early = new EarlyCopies(1 << 20, applied::get, executor, executor);
        CompletableFuture<byte[]> answer = early.hold(7, 10, this::handle, () -> RETRY);
        Awaitility.await().atMost(Duration.ofNanos(EarlyCopies.HOLD_NANOS).plusSeconds(5)).until(answer::isDone);
        assertThat(answer.join()).isEqualTo(RETRY);
        assertThat(handled.get()).isZero();
        assertThat(early.bufferedBytes()).isZero();
    }

    private CompletableFuture<byte[]> handle() {
        handled.incrementAndGet();
        return CompletableFuture.completedFuture(OK);
    }

    private static PartitionTable table(long version) {
        return PartitionTable.initial(3).withVersion(version);
    }
}
