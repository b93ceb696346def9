package dev.tessera.grid.core.security;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/** Counts WARN and ERROR lines of every logger while attached. */
final class WarningCounter extends AppenderBase<ILoggingEvent> {
    final AtomicInteger count = new AtomicInteger();

    static WarningCounter attach() {
        WarningCounter c = new WarningCounter();
        c.setContext((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory());
        c.start();
        root().addAppender(c);
        return c;
    }

    void detach() {
        root().detachAppender(this);
        stop();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Override
    protected void append(ILoggingEvent e) {
        if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
            count.incrementAndGet();
        }
    }
}
