package dev.tessera.demo.admin;

import com.sun.net.httpserver.HttpServer;
import dev.tessera.grid.core.TesseraGrid;

/**
 * Fault-injection and workload endpoints under {@code /admin/} for the chaos tests (issue 3).
 * Being filled in by the chaos-tests work; registers nothing yet.
 */
public final class AdminEndpoints {
    private AdminEndpoints() {}

    /** Adds the {@code /admin/...} contexts to {@code server} for {@code grid}. */
    public static void register(HttpServer server, TesseraGrid grid) {
        // filled in by the chaos-tests work
    }
}
