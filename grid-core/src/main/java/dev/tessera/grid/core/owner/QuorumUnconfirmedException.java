package dev.tessera.grid.core.owner;

/**
 * A CONSISTENT write applied here whose copy counted a replica that left as done, while this side could not confirm
 * that it still holds a quorum: answered {@code UNAVAILABLE}, applied and possibly surviving.
 */
final class QuorumUnconfirmedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    QuorumUnconfirmedException(String message) {
        super(message, null, false, false);
    }
}
