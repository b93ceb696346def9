/** Time as grid-core reads it: the injected {@link dev.tessera.grid.core.time.TimeSource} and the hybrid logical clock. A leaf. */
package dev.tessera.grid.core.time;
