package dev.tessera.grid.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.loading.Futures;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.time.TimeSource;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.OpCode;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberId;
import dev.tessera.grid.membership.MemberInfo;
import dev.tessera.grid.testkit.ScriptedMessenger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * An operation parked in a retry when its member stops never completes (the stopped member's scheduler drops the
 * retry), so its caller must stop waiting by itself. The explorer found writers of crashed and closed members parked
 * in {@code GridMapImpl.set/get} for good.
 */
class StoppedMemberCallTest {
    private static final int PARTITIONS = 4;

    @Test
    void aCallerWaitingForAnOperationWhoseRetryWasDropped_getsIllegalStateOnceTheMemberStopped() {
        Stopping m = parkedCall();
        m.stop(false);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(() -> Futures.await(m.call(), m.invoker()::memberRunning))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped"));
        assertThat(m.call()).as("without the invoker's stop, nothing completes the operation's own future").isNotDone();
    }

    @Test
    void theInvokersStop_failsTheCallsWhoseRetryWasDropped_soAsyncCallersGetAnAnswer() {
        Stopping m = parkedCall();
        m.stop(true);
        assertThat(m.call()).isCompletedExceptionally();
        assertThatThrownBy(m.call()::join).hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("was being retried");
    }

    /** A member whose only operation waits in the scheduler for its next attempt. */
    private record Stopping(OperationInvoker invoker, CompletableFuture<OpResponse> call, AtomicBoolean running,
                            ScheduledExecutorService scheduler) {
        /** Stops as TesseraGrid's shutdown does: state first, then its executors (dropping the retry), then the invoker. */
        void stop(boolean stopInvoker) {
            running.set(false);
            assertThat(scheduler.shutdownNow()).as("the dropped retry").hasSize(1);
            if (stopInvoker) {
                invoker.stop();
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(5, TimeUnit.SECONDS)).as("the scheduler's thread started").isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static Stopping parkedCall() {
        MemberId self = MemberId.random();
        MemberId owner = MemberId.random();
        TopologyState topology = new TopologyState(self, PARTITIONS);
        MemberId[][] rows = new MemberId[PARTITIONS][];
        for (int i = 0; i < PARTITIONS; i++) {
            rows[i] = new MemberId[] {owner};
        }
        topology.apply(new PartitionTable(3, rows, null));
        ClusterView view = new ClusterView(1, List.of(new MemberInfo(self, "self", null), new MemberInfo(owner, "owner", null)),
                false);
        // the owner keeps answering RETRY (ownership moving), so the call waits in the scheduler between attempts
        ScriptedMessenger messenger = new ScriptedMessenger(self, () -> view,
                (to, bytes) -> CompletableFuture.completedFuture(OpResponse.status(Status.RETRY, 3).encode()));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        scheduler.execute(() -> {
            holding.countDown();
            try {
                hold.await(); // no retry runs until the member stops
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
        });
        await(holding);
        AtomicBoolean running = new AtomicBoolean(true);
        OperationInvoker invoker = new OperationInvoker(messenger, topology, null, scheduler, 10_000, running::get,
                TimeSource.SYSTEM);
        CompletableFuture<OpResponse> call = invoker.invoke("m", MapConfig.defaults(), 0, OpCode.SET,
                "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8), null, 0);
        assertThat(invoker.retries()).as("the first attempt was answered RETRY and a retry scheduled").isEqualTo(1);
        return new Stopping(invoker, call, running, scheduler);
    }
}
