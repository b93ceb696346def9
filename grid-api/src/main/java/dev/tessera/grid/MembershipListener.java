package dev.tessera.grid;

/** Receives membership events in the order the cluster agreed on them. Must not block for long. */
@FunctionalInterface
public interface MembershipListener {
    void onEvent(MembershipEvent event);
}
