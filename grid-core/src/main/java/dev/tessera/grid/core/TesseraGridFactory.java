package dev.tessera.grid.core;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridConfig;
import dev.tessera.grid.spi.GridFactory;

/** The {@link GridFactory} found by {@link dev.tessera.grid.GridBuilder#start()} through the ServiceLoader. */
public final class TesseraGridFactory implements GridFactory {
    @Override
    public Grid start(GridConfig config) {
        return TesseraGrid.start(config);
    }
}
