package dev.tessera.grid.membership;


/**
 * Receives one-way messages ({@link ClusterChannel#send}, {@link ClusterChannel#broadcast}). Called on a channel
 * worker thread (never a JGroups thread); messages from one sender are delivered one at a time in the order that
 * sender sent them; messages from different senders are delivered concurrently.
 */
@FunctionalInterface
public interface MessageHandler {
    void onMessage(MemberId sender, byte[] message);
}
