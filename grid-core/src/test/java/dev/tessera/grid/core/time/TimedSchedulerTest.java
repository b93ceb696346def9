package dev.tessera.grid.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.testkit.ManualTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Delays are read on the time source: frozen time runs nothing that is not due, a jump runs what became due. */
class TimedSchedulerTest {
    private static final Duration QUIET = Duration.ofMillis(300); // > the scheduler's 50 ms re-check of the time source
    private static final ThreadFactory DAEMONS = r -> {
        Thread t = new Thread(r, "timed-scheduler-test");
        t.setDaemon(true);
        return t;
    };

    private final ManualTime time = ManualTime.frozen();
    private final TimedScheduler scheduler = new TimedScheduler(time, 2, DAEMONS);

    @AfterEach
    void stop() throws InterruptedException {
        scheduler.shutdownNow();
        assertThat(scheduler.awaitTermination(5, TimeUnit.SECONDS)).as("every thread ended").isTrue();
    }

    @Test
    void aDelayedTask_waitsForItsTime_andRunsOnceTheTimeSourceReachesIt() {
        AtomicInteger runs = new AtomicInteger();
        ScheduledFuture<?> f = scheduler.schedule(runs::incrementAndGet, 10, TimeUnit.SECONDS);
        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> runs.get() == 0);
        time.advance(Duration.ofSeconds(9));
        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> runs.get() == 0);
        assertThat(f.getDelay(TimeUnit.SECONDS)).isEqualTo(1);
        time.advance(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(2)).until(f::isDone);
        assertThat(runs).hasValue(1);
    }

    @Test
    void aCallable_returnsItsValueThroughTheFuture() throws Exception {
        ScheduledFuture<String> f = scheduler.schedule(() -> "done", 5, TimeUnit.SECONDS);
        time.advance(Duration.ofSeconds(5));
        assertThat(f.get(2, TimeUnit.SECONDS)).isEqualTo("done");
    }

    @Test
    void tasksRunInTheOrderTheyBecomeDue() {
        List<Integer> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        TimedScheduler single = new TimedScheduler(time, 1, DAEMONS);
        try {
            single.schedule(() -> order.add(3), 3, TimeUnit.SECONDS);
            single.schedule(() -> order.add(1), 1, TimeUnit.SECONDS);
            single.schedule(() -> order.add(2), 2, TimeUnit.SECONDS);
            time.advance(Duration.ofSeconds(3));
            await().atMost(Duration.ofSeconds(2)).until(() -> order.size() == 3);
            assertThat(order).containsExactly(1, 2, 3);
        } finally {
            single.shutdownNow();
        }
    }

    @Test
    void fixedRate_catchesUpEveryPeriodTheTimeJumpedOver() {
        AtomicInteger runs = new AtomicInteger();
        scheduler.scheduleAtFixedRate(runs::incrementAndGet, 1, 1, TimeUnit.SECONDS);
        time.advance(Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 3);
        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> runs.get() == 3);
    }

    @Test
    void fixedDelay_runsOnceAfterAJump_thenWaitsAFullDelayAgain() {
        AtomicInteger runs = new AtomicInteger();
        scheduler.scheduleWithFixedDelay(runs::incrementAndGet, 1, 1, TimeUnit.SECONDS);
        time.advance(Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 1);
        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> runs.get() == 1);
        time.advance(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 2);
    }

    @Test
    void aCancelledTask_neverRuns() {
        AtomicInteger runs = new AtomicInteger();
        ScheduledFuture<?> once = scheduler.schedule(runs::incrementAndGet, 1, TimeUnit.SECONDS);
        ScheduledFuture<?> periodic = scheduler.scheduleAtFixedRate(runs::incrementAndGet, 1, 1, TimeUnit.SECONDS);
        assertThat(once.cancel(false)).isTrue();
        assertThat(periodic.cancel(false)).isTrue();
        time.advance(Duration.ofSeconds(5));
        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> runs.get() == 0);
    }

    @Test
    void runningTime_runsTasksWithoutAnyAdvance() {
        ManualTime running = ManualTime.running();
        TimedScheduler onRunning = new TimedScheduler(running, 1, DAEMONS);
        try {
            AtomicInteger runs = new AtomicInteger();
            onRunning.scheduleWithFixedDelay(runs::incrementAndGet, 0, 20, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
        } finally {
            onRunning.shutdownNow();
        }
    }

    @Test
    void shutdownNow_returnsWhatWasPending_andRefusesNewWork() {
        scheduler.schedule(() -> { }, 1, TimeUnit.SECONDS);
        scheduler.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.SECONDS);
        assertThat(scheduler.shutdownNow()).hasSize(2);
        assertThat(scheduler.isShutdown()).isTrue();
        assertThatThrownBy(() -> scheduler.schedule(() -> { }, 1, TimeUnit.SECONDS))
                .isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> scheduler.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        await().atMost(Duration.ofSeconds(5)).until(scheduler::isTerminated);
    }

    @Test
    void badPeriodsAndThreadCounts_areRefusedWithTheirValue() {
        assertThatThrownBy(() -> scheduler.scheduleAtFixedRate(() -> { }, 0, 0, TimeUnit.SECONDS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was given 0 SECONDS");
        assertThatThrownBy(() -> new TimedScheduler(time, 0, DAEMONS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was given 0");
    }
}
