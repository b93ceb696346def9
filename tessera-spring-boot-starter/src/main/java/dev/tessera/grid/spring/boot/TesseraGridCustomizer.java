package dev.tessera.grid.spring.boot;

import dev.tessera.grid.GridBuilder;

/**
 * Changes the {@link GridBuilder} after the {@code tessera.*} properties were applied and before the member starts:
 * what properties cannot say (map stores, merge policies, types registered in code). Every bean of this type is
 * applied, in {@code @Order}.
 */
@FunctionalInterface
public interface TesseraGridCustomizer {
    void customize(GridBuilder builder);
}
