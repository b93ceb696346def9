package dev.tessera.grid.membership;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.View;
import org.jgroups.protocols.Discovery;
import org.jgroups.protocols.EncryptHeader;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.JoinRsp;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right above the transport of a shared-secret stack and lets through only discovery and messages encrypted
 * with an accepted key ({@link SealedEncrypt} then authenticates them). It also turns a refused join into a clear
 * error on the joiner's side, where JGroups would otherwise drop the joiner's requests silently and make it a
 * singleton after its join attempts:
 * <ul>
 * <li>as a member: a JOIN request it cannot accept (no encryption, or a key it does not accept) is answered in
 * plaintext with a failed {@link JoinRsp} naming the reason, at most once a second per sender. A plain JGroups
 * joiner's {@code connect()} throws {@link SecurityException} with it; a Tessera joiner passes it to its GMS
 * (next point);</li>
 * <li>as a joiner (no view yet): a plaintext JOIN response, or a message under a key it does not accept, means the
 * cluster refused it or runs with a different (or no) security setting. It hands GMS a failed {@link JoinRsp}, so
 * {@code connect()} fails at once with a {@link SecurityException} saying so.</li>
 * </ul>
 * The refusal itself is unauthenticated, like JGroups' own AUTH rejection: whoever reaches the port could make a
 * member that is still joining give up (never one already in the cluster).
 */
final class JoinGuard extends Protocol {
    private static final Logger log = LoggerFactory.getLogger(JoinGuard.class);
    /** One line per 10 s however many senders try: a flood of joins from made-up addresses must not flood the log. */
    private final ThrottledWarning refusals = new ThrottledWarning(log, 10, TimeUnit.SECONDS);
    private static final short GMS_ID = org.jgroups.conf.ClassConfigurator.getProtocolId(GMS.class);
    private static final long REFUSAL_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_TRACKED_SENDERS = 1024;

    private final SealedEncrypt encrypt;
    private final String clusterName;
    private final String memberName;
    private final LongAdder dropped = new LongAdder();
    private final Map<Address, Long> lastRefusal = new ConcurrentHashMap<>();
    private volatile boolean joined;
    private volatile View view;
    private volatile long lastLog;
    private volatile short discoveryId = -1; // set in init(), read by the threads that deliver
    private GMS gms;

    JoinGuard(SealedEncrypt encrypt, String clusterName, String memberName) {
        this.encrypt = encrypt;
        this.clusterName = clusterName;
        this.memberName = memberName;
    }

    long dropped() {
        return dropped.sum();
    }

    @Override
    public void init() throws Exception {
        super.init();
        Discovery d = getProtocolStack().findProtocol(Discovery.class);
        discoveryId = d == null ? -1 : d.getId();
        gms = getProtocolStack().findProtocol(GMS.class);
    }

    @Override
    public Object down(Event evt) {
        if (evt.getType() == Event.VIEW_CHANGE) {
            view = evt.getArg();
            joined = true;
        }
        return down_prot.down(evt);
    }

    @Override
    public Object up(Message msg) {
        return admit(msg) ? up_prot.up(msg) : null;
    }

    @Override
    public void up(MessageBatch batch) {
        for (Iterator<Message> it = batch.iterator(); it.hasNext(); ) {
            if (!admit(it.next())) {
                it.remove();
            }
        }
        if (!batch.isEmpty()) {
            up_prot.up(batch);
        }
    }

    private boolean admit(Message msg) {
        if (discoveryId >= 0 && msg.getHeader(discoveryId) != null) {
            return true; // plaintext by design: a joiner must find the cluster to be told it is refused
        }
        EncryptHeader enc = msg.getHeader(SealedEncrypt.ID);
        if (enc != null && encrypt.accepts(enc.version())) {
            return true;
        }
        dropped.increment();
        GMS.GmsHeader gmsHdr = gmsHeader(msg);
        Address src = msg.getSrc();
        if (!joined) {
            joinRefused(msg, enc, gmsHdr, src);
        } else if (gmsHdr != null && isJoin(gmsHdr.getType()) && src != null && (view == null || !view.containsMember(src))) {
            refuse(src, enc == null
                    ? "member " + memberName + " of cluster '" + clusterName + "' refused this member: the cluster "
                            + "requires a shared secret and this member sent plaintext (set the same "
                            + "Security.sharedSecret(..) on every member)"
                    : "member " + memberName + " of cluster '" + clusterName + "' refused this member: wrong shared "
                            + "secret (not one this member accepts)");
        }
        logBounded(msg, enc);
        return false;
    }

    /** We are still joining and were answered in a way we cannot accept: tell GMS so connect() fails now. */
    private void joinRefused(Message msg, EncryptHeader enc, GMS.GmsHeader gmsHdr, Address src) {
        String reason;
        if (enc == null && gmsHdr != null && gmsHdr.getType() == GMS.GmsHeader.JOIN_RSP) {
            JoinRsp rsp = readJoinRsp(msg);
            reason = rsp != null && rsp.getFailReason() != null ? rsp.getFailReason()
                    : "members of cluster '" + clusterName + "' (" + src + ") run without a shared secret: a member "
                            + "with Security.sharedSecret(..) does not join them";
        } else if (enc != null) {
            reason = "members of cluster '" + clusterName + "' (" + src + ") were found but use a shared secret this "
                    + "member does not accept (wrong secret, or a rotation step skipped)";
        } else {
            return; // plaintext chatter that is not a join response: not ours to judge
        }
        if (gms == null) {
            return;
        }
        Message failed = new BytesMessage(msg.getDest()).setSrc(src)
                .putHeader(GMS_ID, new GMS.GmsHeader(GMS.GmsHeader.JOIN_RSP))
                .setArray(GMS.marshal(new JoinRsp(reason)));
        gms.up(failed);
    }

    private void refuse(Address dest, String reason) {
        long now = System.nanoTime();
        Long last = lastRefusal.get(dest);
        if (last != null && now - last < REFUSAL_INTERVAL_NANOS) {
            return;
        }
        if (lastRefusal.size() >= MAX_TRACKED_SENDERS) {
            lastRefusal.clear();
        }
        lastRefusal.put(dest, now);
        Message rsp = new BytesMessage(dest).putHeader(GMS_ID, new GMS.GmsHeader(GMS.GmsHeader.JOIN_RSP))
                .setArray(GMS.marshal(new JoinRsp(reason)));
        down_prot.down(rsp);
        refusals.warn("{}: refused the join of {} to cluster '{}': {}", memberName, dest, clusterName, reason);
    }

    private void logBounded(Message msg, EncryptHeader enc) {
        long now = System.nanoTime();
        if (now - lastLog > TimeUnit.SECONDS.toNanos(10)) {
            lastLog = now;
            log.warn("{}: dropping messages of cluster '{}' that are not encrypted with an accepted key (e.g. from {}, {}); "
                    + "{} so far", memberName, clusterName, msg.getSrc(), enc == null ? "plaintext" : "unknown key",
                    dropped.sum());
        }
    }

    private static boolean isJoin(byte type) {
        return type == GMS.GmsHeader.JOIN_REQ || type == GMS.GmsHeader.JOIN_REQ_WITH_STATE_TRANSFER;
    }

    private static GMS.GmsHeader gmsHeader(Message msg) {
        return msg.getHeader(GMS_ID) instanceof GMS.GmsHeader h ? h : null;
    }

    private static JoinRsp readJoinRsp(Message msg) {
        try {
            return msg.getArray() == null ? null
                    : org.jgroups.util.Util.streamableFromBuffer(JoinRsp::new, msg.getArray(), msg.getOffset(), msg.getLength());
        } catch (Exception e) {
            return null;
        }
    }
}
