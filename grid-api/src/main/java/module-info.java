/**
 * Tessera's API: what an application compiles against. The implementation (grid-core) is found at run time through
 * {@link dev.tessera.grid.spi.GridFactory}; nothing here names it.
 */
module dev.tessera.grid.api {
    exports dev.tessera.grid;
    exports dev.tessera.grid.spi;

    uses dev.tessera.grid.spi.GridFactory;
}
