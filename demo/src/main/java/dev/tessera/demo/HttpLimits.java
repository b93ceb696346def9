package dev.tessera.demo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits of the JDK HTTP server ({@code com.sun.net.httpserver}) that keep slow or greedy clients from stalling a
 * member. The server handles each request on one executor thread, which blocks while it reads the request line,
 * headers and body; so every read must end in bounded time, and the number of connections (hence of queued
 * requests) must be bounded.
 *
 * <p>The JDK reads these as system properties once, when the first server of the JVM is created: {@link #apply()}
 * must run before that, and a value set on the command line ({@code -Dsun.net.httpserver.maxReqTime=5}) wins.
 * Checked against JDK 17.0.15's {@code sun.net.httpserver.ServerConfig}.
 */
final class HttpLimits {
    /** Largest request body: 1 MiB (413 beyond). */
    static final int MAX_BODY_BYTES = 1 << 20;

    /** Property: seconds within which a request (line, headers and body) must have been read, else it is closed. */
    static final String MAX_REQ_TIME = "sun.net.httpserver.maxReqTime";

    /** Property: open connections at most; the server closes newly accepted ones beyond it. */
    static final String MAX_CONNECTIONS = "jdk.httpserver.maxConnections";

    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put(MAX_REQ_TIME, "10");
        DEFAULTS.put("sun.net.httpserver.maxReqHeaders", "64");
        DEFAULTS.put("sun.net.httpserver.maxReqHeaderSize", "65536");
        DEFAULTS.put("sun.net.httpserver.idleInterval", "30");
        DEFAULTS.put("sun.net.httpserver.maxIdleConnections", "32");
        // as many handler threads as connections (see handlerThreads): a request never waits behind a slow one
        DEFAULTS.put(MAX_CONNECTIONS, "64");
        // without TCP_NODELAY the server's separate header and body writes meet the client's delayed ACK: +40 ms a request
        DEFAULTS.put("sun.net.httpserver.nodelay", "true");
    }

    private HttpLimits() {}

    /** Sets every limit the JVM's command line did not set. */
    static void apply() {
        DEFAULTS.forEach((k, v) -> {
            if (System.getProperty(k) == null) {
                System.setProperty(k, v);
            }
        });
    }

    /**
     * Handler threads: one per allowed connection. A connection has at most one request in flight, so no request
     * ever queues behind one that is being read slowly; a slow client holds its thread at most {@code maxReqTime}.
     * (Fewer threads than connections would let that many slow clients stall everyone; the JDK also starts a
     * queued request's deadline when it is queued, so it would be cut off, not served late.)
     */
    static int handlerThreads() {
        try {
            return Math.max(1, Math.min(1024, Integer.parseInt(System.getProperty(MAX_CONNECTIONS, "64").trim())));
        } catch (NumberFormatException e) {
            return 64;
        }
    }

    /** The limits in force (after {@link #apply()}), for the README and tests. */
    static Map<String, String> current() {
        Map<String, String> out = new LinkedHashMap<>();
        DEFAULTS.keySet().forEach(k -> out.put(k, System.getProperty(k)));
        return out;
    }
}
