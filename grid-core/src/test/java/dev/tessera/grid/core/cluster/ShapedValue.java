package dev.tessera.grid.core.cluster;

/** A value class that {@link IncompatibleMemberTest} also compiles in a changed version (quantity as a long). */
public record ShapedValue(String id, int quantity) {}
