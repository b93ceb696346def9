package dev.tessera.grid.membership;

/**
 * Receives installed views. Called on one dedicated thread per channel, in the order JGroups installed the views,
 * never on a JGroups thread. It may block briefly and may send requests; a slow listener delays later views only.
 */
@FunctionalInterface
public interface ViewListener {
    void onView(ClusterView view);
}
