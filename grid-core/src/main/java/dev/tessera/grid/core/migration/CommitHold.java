package dev.tessera.grid.core.migration;

import dev.tessera.grid.core.wire.TopologyMessages.TransferDone;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Holds back this member's "copy complete" notices to the coordinator while {@link #hold() held}: the copies still
 * run, but no migration this member is the source of commits, so its partitions keep their old owner lists (and a
 * partition that lost a replica stays counted as under-replicated) until {@link #release()}, which sends the held
 * notices in order. For drills and tests that must observe a rebalance in progress, such as an alert on
 * under-replicated partitions, whatever the machine's copy speed. Not held by default.
 *
 * <p>Thread-safe: notices arrive on the transfer thread, hold and release come from any thread.
 */
public final class CommitHold implements Consumer<TransferDone> {
    private final Consumer<TransferDone> sink;
    private final List<TransferDone> held = new ArrayList<>();
    private boolean holding;

    /** @param sink where notices go (the coordinator) when not held */
    public CommitHold(Consumer<TransferDone> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void accept(TransferDone done) {
        synchronized (this) {
            if (holding) {
                held.add(done);
                return;
            }
        }
        sink.accept(done);
    }

    /** From now on, notices wait for {@link #release()}. */
    public synchronized void hold() {
        holding = true;
    }

    /**
     * Sends the held notices in arrival order and stops holding. The coordinator ignores a notice that no longer
     * matches its table (a target changed meanwhile), and the transfer manager repeats one it still waits for.
     *
     * @return how many notices were held
     */
    public int release() {
        List<TransferDone> out;
        synchronized (this) {
            holding = false;
            out = new ArrayList<>(held);
            held.clear();
        }
        out.forEach(sink);
        return out.size();
    }

    /** Whether notices are held now. */
    public synchronized boolean holding() {
        return holding;
    }

    /** Notices held now. */
    public synchronized int heldCount() {
        return held.size();
    }
}
