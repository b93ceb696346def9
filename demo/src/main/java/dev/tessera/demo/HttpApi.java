package dev.tessera.demo;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.tessera.grid.Grid;
import dev.tessera.grid.GridException;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.GridTimeoutException;
import dev.tessera.grid.GridUnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The member's HTTP endpoints: {@code /kv/{map}/{key}} (GET, PUT, DELETE of text values),
 * {@code /api/status} (JSON), {@code /api/summary} and {@code /api/ping} (one line of text, for
 * scripts), {@code /metrics} (the grid's meters, Prometheus text) and {@code /} (the status page).
 */
final class HttpApi {
    /** Largest accepted value: 1 MiB. */
    static final int MAX_VALUE_BYTES = HttpLimits.MAX_BODY_BYTES;
    static final int MAX_KEY_CHARS = 1024;
    private static final String USAGE = "usage: GET|PUT|DELETE /kv/{map}/{key}  (map: letters, digits, '.', '_', '-';"
            + " key: the rest of the path, URL-encoded; PUT body: the value as UTF-8 text)";

    private final Grid grid;
    private final StatusBoard board;
    private final MapRegistry maps;
    private final String name;
    private final byte[] page;
    private final java.util.function.Supplier<String> metrics;

    /** @param metrics the member's meters in Prometheus text format, for {@code /metrics} */
    HttpApi(Grid grid, StatusBoard board, MapRegistry maps, String name, java.util.function.Supplier<String> metrics) {
        this.metrics = metrics;
        this.grid = grid;
        this.board = board;
        this.maps = maps;
        this.name = name;
        try (InputStream in = HttpApi.class.getResourceAsStream("status.html")) {
            if (in == null) {
                throw new IllegalStateException("status.html is missing from the class path");
            }
            this.page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds the contexts to {@code server}, each behind {@code guard}. */
    void register(HttpServer server, Filter guard) {
        context(server, guard, "/kv", this::kv);
        context(server, guard, "/api/status", ex -> handle(ex, () -> {
            requireGet(ex);
            send(ex, 200, "application/json; charset=utf-8", board.json());
        }));
        context(server, guard, "/api/summary", ex -> handle(ex, () -> {
            requireGet(ex);
            send(ex, 200, "text/plain; charset=utf-8", board.summary() + "\n");
        }));
        context(server, guard, "/metrics", ex -> handle(ex, () -> {
            requireGet(ex);
            send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
        }));
        context(server, guard, "/api/ping", ex -> handle(ex, () -> {
            requireGet(ex);
            send(ex, 200, "text/plain; charset=utf-8", name + " " + grid.localMember().id() + "\n");
        }));
        context(server, guard, "/", ex -> handle(ex, () -> {
            String path = ex.getRequestURI().getPath();
            if (!path.equals("/") && !path.equals("/index.html") && !path.equals("/favicon.ico")) {
                // whatever the method: also /admin/* of a member started without --admin
                throw new HttpError(404, "no such page: " + path + " (try /, /api/status or " + USAGE + ")");
            }
            requireGet(ex);
            if (path.equals("/") || path.equals("/index.html")) {
                ex.getResponseHeaders().set("Cache-Control", "no-store");
                send(ex, 200, "text/html; charset=utf-8", page);
            } else {
                ex.sendResponseHeaders(204, -1); // favicon
            }
        }));
    }

    private static void context(HttpServer server, Filter guard, String path, HttpHandler handler) {
        server.createContext(path, handler).getFilters().add(guard);
    }

    private void kv(HttpExchange ex) {
        handle(ex, () -> {
            String raw = ex.getRequestURI().getRawPath();
            String rest = raw.length() > "/kv".length() ? raw.substring("/kv".length()) : "";
            if (!rest.startsWith("/") || rest.length() < 2) {
                throw new HttpError(400, "missing map and key; " + USAGE);
            }
            int slash = rest.indexOf('/', 1);
            if (slash < 0 || slash == rest.length() - 1) {
                throw new HttpError(400, "missing key after the map name; " + USAGE);
            }
            String mapName = decode(rest.substring(1, slash), "map name");
            String key = decode(rest.substring(slash + 1), "key");
            MapRegistry.validate(mapName);
            if (key.length() > MAX_KEY_CHARS) {
                throw new HttpError(400, "key too long: " + key.length() + " characters, at most " + MAX_KEY_CHARS);
            }
            String method = ex.getRequestMethod();
            boolean reserved = mapName.startsWith("__");
            switch (method) {
                case "GET", "HEAD" -> {
                    // a read never creates a map: unknown names are a plain miss
                    GridMap<String, String> map = maps.existing(mapName);
                    String value = map == null ? null : map.get(key);
                    if (value == null) {
                        throw new HttpError(404, "no key '" + key + "' in map '" + mapName + "'");
                    }
                    send(ex, 200, "text/plain; charset=utf-8", value);
                }
                case "PUT", "POST" -> {
                    if (reserved) {
                        throw new HttpError(403, "map '" + mapName + "' is reserved for the demo itself (names starting"
                                + " with '__' are read-only over HTTP)");
                    }
                    String value = body(ex);
                    String previous = maps.forWrite(mapName).put(key, value);
                    send(ex, previous == null ? 201 : 200, "text/plain; charset=utf-8",
                            (previous == null ? "created" : "replaced") + "\n");
                }
                case "DELETE" -> {
                    if (reserved) {
                        throw new HttpError(403, "map '" + mapName + "' is reserved for the demo itself (read-only over HTTP)");
                    }
                    GridMap<String, String> map = maps.existing(mapName);
                    String previous = map == null ? null : map.remove(key);
                    if (previous == null) {
                        throw new HttpError(404, "no key '" + key + "' in map '" + mapName + "'");
                    }
                    send(ex, 200, "text/plain; charset=utf-8", "deleted\n");
                }
                default -> {
                    ex.getResponseHeaders().set("Allow", "GET, HEAD, PUT, POST, DELETE");
                    throw new HttpError(405, "method " + method + " not allowed; " + USAGE);
                }
            }
        });
    }

    private static String decode(String raw, String what) {
        try {
            // URLDecoder turns '+' into a space (form encoding); a path keeps '+' as it is
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "bad percent-encoding in the " + what + ": " + raw);
        }
    }

    private static String body(HttpExchange ex) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        // the server already refused a Content-Length that is not a non-negative long
        if (declared != null && Long.parseLong(declared.trim()) > MAX_VALUE_BYTES) {
            // refused before reading a byte of it (the server then closes the connection)
            throw new HttpError(413, "value too large: " + declared.trim() + " bytes, at most " + MAX_VALUE_BYTES);
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (InputStream in = ex.getRequestBody()) {
            byte[] chunk = new byte[8192];
            int n;
            while ((n = in.read(chunk)) > 0) {
                if (buf.size() + n > MAX_VALUE_BYTES) {
                    throw new HttpError(413, "value too large: more than " + MAX_VALUE_BYTES + " bytes");
                }
                buf.write(chunk, 0, n);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(buf.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new HttpError(400, "the value is not valid UTF-8 text");
        }
    }

    private static void requireGet(HttpExchange ex) {
        String m = ex.getRequestMethod();
        if (!m.equals("GET") && !m.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            throw new HttpError(405, "method " + m + " not allowed here; use GET");
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws IOException;
    }

    /** Runs {@code action}, turning every failure into an HTTP status with a one-line explanation. */
    private void handle(HttpExchange ex, Action action) {
        try (ex) {
            try {
                action.run();
            } catch (HttpError e) {
                sendQuietly(ex, e.status, e.getMessage());
            } catch (GridTimeoutException e) {
                sendQuietly(ex, 504, "timed out in the grid (the write may or may not have been applied; retrying is safe"
                        + " for a PUT of the same value): " + e.getMessage());
            } catch (GridUnavailableException e) {
                sendQuietly(ex, 503, "partition unavailable: " + e.getMessage());
            } catch (IllegalStateException e) {
                sendQuietly(ex, 503, "member " + name + " is not serving (starting or shutting down): " + e.getMessage());
            } catch (GridException e) {
                sendQuietly(ex, 500, "grid error: " + e.getMessage());
            } catch (IOException e) {
                // the client went away; nothing to answer
            } catch (RuntimeException e) {
                sendQuietly(ex, 500, "internal error: " + e);
            }
        }
    }

    private static void sendQuietly(HttpExchange ex, int status, String message) {
        try {
            send(ex, status, "text/plain; charset=utf-8", message + "\n");
        } catch (IOException | RuntimeException ignored) {
            // headers already sent or client gone
        }
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        send(ex, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : (body.length == 0 ? -1 : body.length));
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** A failure with its HTTP status. */
    static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final int status;

        HttpError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
