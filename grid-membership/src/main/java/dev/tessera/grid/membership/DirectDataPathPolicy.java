package dev.tessera.grid.membership;

import org.jgroups.Message;
import org.jgroups.util.MaxOneThreadPerSender;

/**
 * JGroups' default message processing ({@code max}: OOB messages to the thread pool, regular ones one thread per
 * sender), except that Tessera's inline requests and their replies are passed up on the thread that read them off
 * the socket. Their handlers never block, so the hand-off to a pool thread per message (a wake-up and two context
 * switches on each side of a round trip) bought nothing but CPU: W1/W2 CPU per operation fell by a third to a half
 * without it (benchmarks/RESULTS.md, round 9).
 * <p>
 * Safe only over a transport whose writes never block ({@code TCP_NIO2}, see {@link Stacks}): a handler on the
 * reading thread sends replies and backup copies, and with blocking writes two members each waiting to write to the
 * other, neither reading, would stall for good.
 * <p>
 * Public only because JGroups instantiates it by class name ({@code message_processing_policy}).
 */
public final class DirectDataPathPolicy extends MaxOneThreadPerSender {

    /** Set on inline requests and replies only; no protocol of our stacks uses it (RELAY2 would). */
    static final Message.Flag MARKER = Message.Flag.NO_RELAY;

    @Override
    public boolean process(Message msg, boolean oob) {
        if (!oob || !msg.isFlagSet(MARKER)) {
            return super.process(msg, oob);
        }
        try {
            tp.passMessageUp(msg, true, msg.getDest() == null, true);
        } catch (Throwable t) {
            log.error("failed to pass up " + msg, t);
        }
        return true;
    }
}
