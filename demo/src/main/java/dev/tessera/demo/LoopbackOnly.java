package dev.tessera.demo;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Answers 403 to every request whose {@code Host} header (required) or {@code Origin} header (if present) is not
 * this member's own loopback address and port: {@code 127.0.0.1:PORT}, {@code localhost:PORT} or
 * {@code [::1]:PORT}.
 *
 * <p>Why: binding 127.0.0.1 keeps other machines out, but not a web page in the user's browser. A page on any site
 * can point a name it controls at 127.0.0.1 (DNS rebinding) and then send requests that carry its own name as
 * {@code Host}, or post to the member from its own origin; both are refused here.
 */
public final class LoopbackOnly extends Filter {
    private static final Set<String> HOSTS = Set.of("127.0.0.1", "localhost", "[::1]");

    private final int port;

    /** @param port the port the server listens on (the one clients put in {@code Host}) */
    public LoopbackOnly(int port) {
        this.port = port;
    }

    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        String host = ex.getRequestHeaders().getFirst("Host");
        String origin = ex.getRequestHeaders().getFirst("Origin");
        String refusal = null;
        if (host == null || !isLoopbackAuthority(host)) {
            refusal = "Host '" + host + "'";
        } else if (origin != null && !isLoopbackOrigin(origin)) {
            refusal = "Origin '" + origin + "'";
        }
        if (refusal == null) {
            chain.doFilter(ex);
            return;
        }
        try (ex) {
            byte[] body = ("forbidden: " + refusal + " is not this member's loopback address; use http://127.0.0.1:"
                    + port + "/\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(403, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public String description() {
        return "refuses requests whose Host or Origin is not 127.0.0.1/localhost/[::1] on port " + port;
    }

    /** {@code 127.0.0.1:PORT} and the like; without a port only if the server is on 80 (the default). */
    boolean isLoopbackAuthority(String authority) {
        String a = authority.trim().toLowerCase(Locale.ROOT);
        int colon = a.lastIndexOf(':');
        if (colon > a.lastIndexOf(']')) {
            return HOSTS.contains(a.substring(0, colon)) && a.substring(colon + 1).equals(Integer.toString(port));
        }
        return port == 80 && HOSTS.contains(a);
    }

    /** {@code http://127.0.0.1:PORT} and the like; {@code null} (sandboxed pages, files) is not loopback. */
    boolean isLoopbackOrigin(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.startsWith("http://") && isLoopbackAuthority(o.substring("http://".length()));
    }
}
