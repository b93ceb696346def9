package dev.tessera.grid.membership;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning logged at most once per interval, with the number of occurrences it stood for since the previous one.
 * Rejections of hostile traffic are logged through it: an attacker who sends a million frames gets a few log lines,
 * not a million, and no occurrence goes uncounted.
 */
public final class ThrottledWarning {
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public ThrottledWarning(Logger log, long interval, TimeUnit unit) {
        this.log = log;
        this.intervalNanos = unit.toNanos(interval);
    }

    /** Logs {@code format} with {@code args} unless a warning was logged less than the interval ago. */
    public void warn(String format, Object... args) {
        long now = System.nanoTime();
        long next = nextAt.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextAt.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        if (log.isWarnEnabled()) {
            String line = skipped == 0 ? format : format + " (and " + skipped + " more like it since the last warning)";
            log.warn(line, args);
        }
    }
}
