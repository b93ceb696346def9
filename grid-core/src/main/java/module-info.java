/**
 * The member: partitioning, replication, migration, caching. Applications never compile against it; they reach it
 * through {@link dev.tessera.grid.Grid#builder()}, which finds {@link dev.tessera.grid.spi.GridFactory} here. The one
 * exported package, {@code drill}, lets failure drills and chaos tests act on a member (crash it, cut it off,
 * audit its replicas).
 */
@SuppressWarnings("requires-automatic") // Kryo and Objenesis have only automatic module names
module dev.tessera.grid.core {
    requires transitive dev.tessera.grid.api;
    requires dev.tessera.grid.membership;
    requires com.esotericsoftware.kryo;
    requires org.objenesis;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;

    exports dev.tessera.grid.core.drill;

    provides dev.tessera.grid.spi.GridFactory with dev.tessera.grid.core.TesseraGridFactory;
}
