package dev.tessera.grid.membership;

import org.jgroups.Message;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCP_NIO2;
import org.jgroups.protocols.TP;
import org.jgroups.util.MaxOneThreadPerSender;
import org.slf4j.LoggerFactory;

/**
 * JGroups' default message processing ({@code max}: OOB messages to the thread pool, regular ones one thread per
 * sender), except that Tessera's inline requests and their replies are passed up on the thread that read them off
 * the socket. Their handlers never block, so the hand-off to a pool thread per message (a wake-up and two context
 * switches on each side of a round trip) bought nothing but CPU: W1/W2 CPU per operation fell by a third to a half
 * without it (benchmarks/RESULTS.md, round 9).
 * <p>
 * Safe only over a transport whose writes never block ({@code TCP_NIO2}, see {@link Stacks}): a handler on the
 * reading thread sends replies and backup copies, and with blocking writes two members each waiting to write to the
 * other, neither reading, would stall for good. On any other transport (a user's own XML: {@code TCP} with blocking
 * writes, {@code UDP}, {@code SHARED_LOOPBACK}) it therefore behaves exactly like {@code max} and logs why.
 * <p>
 * Public only because JGroups instantiates it by class name ({@code message_processing_policy}).
 */
public final class DirectDataPathPolicy extends MaxOneThreadPerSender {

    /** Set on inline requests and replies only; no protocol of our stacks uses it (RELAY2 would). */
    static final Message.Flag MARKER = Message.Flag.NO_RELAY;

    /** Whether inline messages are passed up on the reading thread: only where no write blocks the reader. */
    private boolean direct;

    @Override
    public void init(TP transport) {
        super.init(transport);
        direct = transport instanceof TCP_NIO2 || (transport instanceof TCP tcp && tcp.nonBlockingSends());
        if (!direct) { // a user's own XML stack: stay safe, say what to change
            LoggerFactory.getLogger(DirectDataPathPolicy.class).warn("{} hands inline requests to JGroups' thread pool "
                    + "on {}: handlers may run on the thread reading the socket only where writes never block (TCP_NIO2, "
                    + "or TCP with non_blocking_sends=\"true\"); elsewhere two members could stall each other for good",
                    getClass().getSimpleName(), transport.getClass().getSimpleName());
        }
    }

    boolean direct() {
        return direct;
    }

    @Override
    public boolean process(Message msg, boolean oob) {
        if (!direct || !oob || !msg.isFlagSet(MARKER)) {
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
