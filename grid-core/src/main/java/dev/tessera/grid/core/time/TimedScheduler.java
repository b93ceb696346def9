package dev.tessera.grid.core.time;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A scheduler whose delays are measured on a {@link TimeSource} instead of the system clock: a task due "in 10 s" runs
 * once the time source reads 10 s later, whether 10 s passed or a test moved its time forward at once. So a member
 * given a test's time runs its periodic work (lease renewal, tombstone purge, load-lease sweeps) and its retries when
 * that time says so. Tasks run on a fixed pool of worker threads; one more thread waits for the next due task.
 *
 * <p>A time source that jumps is noticed within {@value #MAX_PARK_MILLIS} ms. Unlike
 * {@link java.util.concurrent.ScheduledThreadPoolExecutor}, {@link #shutdown()} also drops delayed tasks that are not
 * due yet: a stopping member has no use for them.
 */
public final class TimedScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    static final long MAX_PARK_MILLIS = 50;
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(MAX_PARK_MILLIS);

    private final TimeSource time;
    private final ExecutorService workers;
    private final PriorityQueue<Timed<?>> queue = new PriorityQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong sequence = new AtomicLong();
    private final Thread dispatcher;
    private volatile boolean shutdown;

    /** Starts a scheduler of {@code threads} workers, plus its dispatching thread, all made by {@code threadFactory}. */
    public TimedScheduler(TimeSource time, int threads, ThreadFactory threadFactory) {
        if (threads < 1) {
            throw new IllegalArgumentException("a scheduler needs at least one worker thread, was given " + threads);
        }
        this.time = Objects.requireNonNull(time, "time");
        this.workers = Executors.newFixedThreadPool(threads, threadFactory);
        this.dispatcher = threadFactory.newThread(this::dispatch);
        dispatcher.start();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(new Timed<Void>(Executors.callable(Objects.requireNonNull(command), null), due(delay, unit), 0));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(new Timed<>(Objects.requireNonNull(callable), due(delay, unit), 0));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return enqueue(new Timed<Void>(Executors.callable(Objects.requireNonNull(command), null), due(initialDelay, unit),
                positive(period, unit)));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return enqueue(new Timed<Void>(Executors.callable(Objects.requireNonNull(command), null), due(initialDelay, unit),
                -positive(delay, unit)));
    }

    @Override
    public void execute(Runnable command) {
        workers.execute(Objects.requireNonNull(command)); // due now: no need to pass the dispatcher
    }

    @Override
    public void shutdown() {
        lock.lock();
        try {
            shutdown = true;
            queue.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        workers.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> pending;
        lock.lock();
        try {
            shutdown = true;
            pending = new ArrayList<>(queue);
            queue.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        pending.addAll(workers.shutdownNow());
        dispatcher.interrupt();
        return pending;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && workers.isTerminated() && !dispatcher.isAlive();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long end = System.nanoTime() + unit.toNanos(timeout); // waiting for threads to end is real time
        if (!workers.awaitTermination(timeout, unit)) {
            return false;
        }
        TimeUnit.NANOSECONDS.timedJoin(dispatcher, Math.max(1, end - System.nanoTime()));
        return !dispatcher.isAlive();
    }

    private long due(long delay, TimeUnit unit) {
        return time.nanoTime() + unit.toNanos(Math.max(0, delay));
    }

    private static long positive(long period, TimeUnit unit) {
        if (period <= 0) {
            throw new IllegalArgumentException("a periodic task needs a period above zero, was given " + period + " " + unit);
        }
        return unit.toNanos(period);
    }

    private <V> Timed<V> enqueue(Timed<V> task) {
        lock.lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException("this scheduler has been shut down");
            }
            queue.add(task);
            if (queue.peek() == task) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
        return task;
    }

    /** The next run of a periodic task; dropped once the scheduler shuts down, as a pool's would be. */
    private void requeue(Timed<?> task) {
        lock.lock();
        try {
            if (!shutdown) {
                queue.add(task);
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void remove(Timed<?> task) {
        lock.lock();
        try {
            queue.remove(task);
        } finally {
            lock.unlock();
        }
    }

    private void dispatch() {
        lock.lock();
        try {
            while (!shutdown) {
                Timed<?> head = queue.peek();
                if (head == null) {
                    changed.await();
                    continue;
                }
                long wait = head.due - time.nanoTime();
                if (wait > 0) {
                    changed.awaitNanos(Math.min(wait, MAX_PARK_NANOS)); // a jump of the time source is seen at the latest then
                    continue;
                }
                queue.poll();
                try {
                    workers.execute(head);
                } catch (RejectedExecutionException stopping) {
                    head.cancel(false);
                }
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt(); // shutdownNow: the thread ends here
        } finally {
            lock.unlock();
        }
    }

    private final class Timed<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
        private final long seq = sequence.getAndIncrement();
        /** 0: once; above 0: at a fixed rate; below 0: with a fixed delay after each run. */
        private final long period;
        /** When it is due, on the time source; written before each (re)queueing, which the lock publishes. */
        private volatile long due;

        Timed(Callable<V> callable, long due, long period) {
            super(callable);
            this.due = due;
            this.period = period;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - time.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            if (other == this) {
                return 0;
            }
            if (other instanceof Timed<?> t) {
                long d = due - t.due;
                return d < 0 ? -1 : d > 0 ? 1 : Long.compare(seq, t.seq);
            }
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean equals(Object o) {
            return o == this;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(seq);
        }

        @Override
        public boolean isPeriodic() {
            return period != 0;
        }

        @Override
        public void run() {
            if (!isPeriodic()) {
                super.run();
            } else if (runAndReset()) {
                due = period > 0 ? due + period : time.nanoTime() - period;
                requeue(this);
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                remove(this);
            }
            return cancelled;
        }
    }
}
