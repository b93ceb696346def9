package dev.tessera.grid.spi;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridConfig;

/**
 * Service-provider interface: the implementation module registers one in
 * {@code META-INF/services/dev.tessera.grid.spi.GridFactory}. Applications use
 * {@link Grid#builder()} instead.
 */
public interface GridFactory {
    /** Starts a member with this configuration and returns once it has joined. */
    Grid start(GridConfig config);
}
