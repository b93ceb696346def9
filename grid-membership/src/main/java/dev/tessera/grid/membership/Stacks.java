package dev.tessera.grid.membership;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jgroups.JChannel;
import org.jgroups.View;
import org.jgroups.protocols.Discovery;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FILE_PING;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.PingData;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.protocols.SHARED_LOOPBACK_PING;
import org.jgroups.protocols.SERIALIZE;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCP_NIO2;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.TP;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.dns.DNS_PING;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.DiagnosticsHandler;
import org.jgroups.stack.Protocol;
import org.jgroups.util.Responses;
import org.jgroups.util.TLS;
import org.jgroups.util.TLSClientAuth;

/**
 * Builds the JGroups stacks programmatically (no XML on the class path is needed). Protocols are listed bottom
 * (transport) first, as {@code new JChannel(Protocol...)} expects. The choice follows the bundled {@code tcp.xml}
 * of 5.5 (NAKACK2 + UNICAST3 + STABLE + UFC/MFC + FRAG2), with intervals short enough for a loopback cluster; the
 * multi-JVM transport is {@code TCP_NIO2} with Tessera's {@link DirectDataPathPolicy}.
 */
final class Stacks {

    static final long MERGE_MIN_INTERVAL_MS = 1_000;
    static final long MERGE_MAX_INTERVAL_MS = 2_500;
    static final long VERIFY_SUSPECT_TIMEOUT_MS = 500;
    static final long JOIN_TIMEOUT_MS = 500;
    /** How long a member alone after its join listens for members of its cluster: the whole window, every answer. */
    static final long DISCOVERY_PROBE_MS = 1_000;
    static final int FRAG_SIZE = 60_000;
    /** Buffers (two per message) a connection queues while its socket is full, before it drops and UNICAST3 resends. */
    static final int MAX_SEND_BUFFERS = 256;
    static final String POOLED_DATA_PATH_PROPERTY = "tessera.pooledDataPath";

    private static final Pattern BRACKET_HOST = Pattern.compile("^\\s*([^\\[\\]\\s]+)\\[(\\d+)]\\s*$");
    private static final Pattern COLON_HOST = Pattern.compile("^\\s*([^:\\s]+):(\\d+)\\s*$");

    private Stacks() {
    }

    static JChannel create(ChannelSettings settings) throws Exception {
        StackConfig stack = settings.stack();
        if (stack instanceof StackConfig.InProcess) {
            return withoutDiagnostics(new JChannel(inProcess(settings)));
        }
        if (stack instanceof StackConfig.Tcp tcp) {
            return withoutDiagnostics(new JChannel(tcp(settings, tcp)));
        }
        if (stack instanceof StackConfig.Xml xml) {
            return new JChannel(xml.location());
        }
        throw new IllegalArgumentException("unknown stack " + stack);
    }

    static List<Protocol> inProcess(ChannelSettings s) {
        List<Protocol> p = new ArrayList<>();
        SHARED_LOOPBACK transport = new SHARED_LOOPBACK();
        transport.setBindAddress(InetAddress.getLoopbackAddress());
        p.add(transport);
        SealedEncrypt encrypt = sealing(s);
        if (encrypt != null) {
            p.add(new JoinGuard(encrypt, s.clusterName(), s.memberName()));
        }
        p.add(new SHARED_LOOPBACK_PING());
        addSealing(p, encrypt);
        p.add(merge());
        addCommon(p, s);
        return p;
    }

    /** The encryption of a shared-secret stack, or {@code null} for any other. */
    private static SealedEncrypt sealing(ChannelSettings s) {
        return s.security() instanceof MemberSecurity.SharedSecret secret
                ? new SealedEncrypt(SecretKeys.encryptionKeys(secret, s.clusterName())) : null;
    }

    /**
     * Right above discovery (which stays plaintext, so a refused joiner can be told): everything else, failure
     * detection and merging included, is serialized whole (headers too) and encrypted with AES-GCM.
     */
    private static void addSealing(List<Protocol> p, SealedEncrypt encrypt) {
        if (encrypt != null) {
            p.add(encrypt);
            p.add(new SERIALIZE());
        }
    }

    static List<Protocol> tcp(ChannelSettings s, StackConfig.Tcp cfg) throws UnknownHostException {
        InetAddress bind = InetAddress.getByName(cfg.bindHost());
        List<Protocol> p = new ArrayList<>();
        // TCP_NIO2 rather than TCP: its writes never block (a full socket queues up to max_send_buffers, beyond that
        // UNICAST3 retransmits), so the thread reading a connection may run handlers that send. With TCP's blocking
        // writes two members whose readers each wait to write to the other could stall each other for good.
        // Mutual TLS needs TCP (TCP_NIO2 has no TLS); its sends are made non-blocking (a queue and a sender thread per
        // connection), which keeps the direct data path safe.
        TP transport = s.security() instanceof MemberSecurity.MutualTls tls ? tlsTransport(tls) : new TCP_NIO2();
        transport.setBindAddress(bind);
        transport.setBindPort(cfg.bindPort());
        transport.setPortRange(cfg.portRange());
        if (transport instanceof TCP_NIO2 nio) {
            nio.setSockConnTimeout(1_000);
            transport.setValue("max_send_buffers", MAX_SEND_BUFFERS);
        }
        transport.setValue("tcp_nodelay", true);
        // Send on the caller's thread: no hand-off to a bundler thread per message. Measured side by side with
        // Hazelcast (benchmarks, W1/W2): p99 -35..-60% and CPU per op -10..-30% against the default "pd" bundler
        // and "transfer-queue"; bulk loads of many small async writes are slower (less batching).
        transport.setValue("bundler_type", "no-bundler");
        // Inline requests and replies are handled on the selector thread that read them (no pool hand-off): W1/W2
        // CPU per op -30..-50% in A/B runs (benchmarks/RESULTS.md, round 9). -Dtessera.pooledDataPath=true restores
        // JGroups' default processing, for such comparisons.
        if (!Boolean.getBoolean(POOLED_DATA_PATH_PROPERTY)) {
            transport.setValue("message_processing_policy", DirectDataPathPolicy.class.getName());
        }
        p.add(transport);
        SealedEncrypt encrypt = sealing(s);
        if (encrypt != null) {
            p.add(new JoinGuard(encrypt, s.clusterName(), s.memberName()));
        }
        if (cfg.dns() != null) {
            p.add(dnsPing(cfg.dns()));
        } else if (cfg.discoveryFolder() == null) {
            TCPPING ping = new TCPPING();
            ping.setInitialHosts(parseHosts(cfg.initialHosts()));
            ping.setPortRange(cfg.portRange());
            p.add(ping);
        } else {
            FILE_PING ping = new FILE_PING();
            ping.setLocation(cfg.discoveryFolder().toAbsolutePath().toString());
            p.add(ping);
        }
        addSealing(p, encrypt);
        p.add(merge());
        FD_SOCK2 fdSock = new FD_SOCK2();
        fdSock.setBindAddress(bind);
        p.add(fdSock);
        addCommon(p, s);
        return p;
    }

    /**
     * Kubernetes discovery. With A records DNS_PING probes every resolved address on the transport's port and port
     * range; with a {@code server} it asks that DNS server directly (JNDI), otherwise the system's resolver.
     */
    static DNS_PING dnsPing(StackConfig.Dns dns) {
        DNS_PING ping = new DNS_PING();
        ping.dnsQuery(dns.query());
        ping.dnsRecordType(dns.recordType());
        if (dns.server() != null) {
            ping.dnsAddress(dns.server());
        }
        return ping;
    }

    private static TCP tlsTransport(MemberSecurity.MutualTls tls) {
        TCP tcp = new TCP();
        tcp.setSockConnTimeout(1_000);
        tcp.nonBlockingSends(true);
        try {
            tcp.setSocketFactory(new TLS().setClientAuth(TLSClientAuth.NEED).createSocketFactory(ReloadingTls.context(tls)));
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot set up mutual TLS from key store " + tls.keyStore()
                    + " and trust store " + tls.trustStore() + ": " + e.getMessage(), e);
        }
        return tcp;
    }

    /**
     * A reason why this member, alone after joining, was not let in by the members it should have found, or
     * {@code null}. Only mutual TLS with static discovery needs asking: a shared-secret stack is told at once.
     */
    static String refusalAfterJoin(JChannel ch, ChannelSettings s) {
        if (!(s.security() instanceof MemberSecurity.MutualTls tls) || !(s.stack() instanceof StackConfig.Tcp cfg)
                || cfg.discoveryFolder() != null || cfg.dns() != null || ch.getView() == null || ch.getView().size() > 1) {
            return null;
        }
        try {
            org.jgroups.stack.IpAddress self = (org.jgroups.stack.IpAddress) ch.getProtocolStack().getTransport()
                    .localPhysicalAddress();
            return TlsProbe.refusals(ReloadingTls.context(tls), cfg,
                    new InetSocketAddress(self.getIpAddress(), self.getPort()), s.clusterName());
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Whether this member is alone in its view although members of its cluster answer its discovery now: its join
     * missed them (GMS makes a joiner whose discovery heard nobody within the join timeout a cluster of its own).
     * Only asked where discovery can name other members: not a TCPPING list of this member alone (a first member),
     * not the in-process stack (its discovery answers at once). A cluster of several members answers with at least
     * one member that is not its coordinator; a coordinator alone may be another first member that started at the
     * same moment, so only the one with the higher address joins again (members starting together would otherwise
     * all leave and rejoin in step; MERGE3 joins the rest).
     */
    static boolean aloneWhileMembersAnswer(JChannel ch, ChannelSettings s) {
        View v = ch.getView();
        if (v == null || v.size() > 1 || !(s.stack() instanceof StackConfig.Tcp cfg)
                || cfg.discoveryFolder() == null && cfg.dns() == null && cfg.initialHosts().size() <= 1) {
            return false;
        }
        Discovery discovery = ch.getProtocolStack().findProtocol(Discovery.class);
        if (discovery == null) {
            return false;
        }
        // not an initial discovery: its responses do not end at the first coordinator's answer, so the probe hears
        // every member that answers within the window (a lone coordinator answering first hid the others)
        Responses rsps = discovery.findMembers(null, false, false, DISCOVERY_PROBE_MS);
        try {
            rsps.waitFor(DISCOVERY_PROBE_MS);
            for (PingData p : rsps) {
                if (ch.getAddress().equals(p.getAddress()) || !p.isServer() && !p.isCoord()) {
                    continue;
                }
                if (!p.isCoord() || p.getAddress().compareTo(ch.getAddress()) < 0) {
                    return true;
                }
            }
            return false;
        } finally {
            rsps.done();
        }
    }

    private static MERGE3 merge() {
        MERGE3 merge = new MERGE3();
        merge.setMinInterval(MERGE_MIN_INTERVAL_MS);
        merge.setMaxInterval(MERGE_MAX_INTERVAL_MS);
        return merge;
    }

    /** Everything above discovery / MERGE3 / FD_SOCK2. */
    private static void addCommon(List<Protocol> p, ChannelSettings s) {
        long timeout = s.failureDetectionTimeout().toMillis();
        FD_ALL3 fd = new FD_ALL3();
        fd.setTimeout(timeout);
        fd.setInterval(Math.max(25, timeout / 4));
        p.add(fd);
        VERIFY_SUSPECT2 verify = new VERIFY_SUSPECT2();
        verify.setTimeout(VERIFY_SUSPECT_TIMEOUT_MS);
        p.add(verify);
        NAKACK2 nakack = new NAKACK2();
        nakack.useMcastXmit(false);
        p.add(nakack);
        p.add(new UNICAST3());
        STABLE stable = new STABLE();
        stable.setDesiredAverageGossip(20_000);
        stable.setMaxBytes(4_000_000);
        p.add(stable);
        GMS gms = new GMS();
        gms.setJoinTimeout(JOIN_TIMEOUT_MS);
        gms.printLocalAddress(false);
        gms.setViewAckCollectionTimeout(1_000);
        p.add(gms);
        UFC ufc = new UFC();
        ufc.setMaxCredits(2_000_000);
        ufc.setMinThreshold(0.4);
        p.add(ufc);
        MFC mfc = new MFC();
        mfc.setMaxCredits(2_000_000);
        mfc.setMinThreshold(0.4);
        p.add(mfc);
        FRAG2 frag = new FRAG2();
        frag.setFragSize(FRAG_SIZE);
        p.add(frag);
    }

    /** Our own stacks never open the diagnostics (multicast) socket. */
    private static JChannel withoutDiagnostics(JChannel ch) {
        TP tp = ch.getProtocolStack().getTransport();
        DiagnosticsHandler diag = tp.getDiagnosticsHandler();
        if (diag != null) {
            diag.setEnabled(false);
        }
        return ch;
    }

    /** Parses {@code "host[port]"} or {@code "host:port"} entries. */
    static List<InetSocketAddress> parseHosts(List<String> hosts) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String h : hosts) {
            if (h == null || h.isBlank()) {
                continue;
            }
            for (String part : h.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                Matcher m = BRACKET_HOST.matcher(part);
                if (!m.matches()) {
                    m = COLON_HOST.matcher(part);
                }
                if (!m.matches()) {
                    throw new IllegalArgumentException("initial host '" + part.trim()
                            + "' is not of the form host[port] (e.g. 127.0.0.1[7800])");
                }
                int port = Integer.parseInt(m.group(2));
                if (port <= 0 || port > 65535) {
                    throw new IllegalArgumentException("initial host '" + part.trim() + "': port out of range");
                }
                out.add(new InetSocketAddress(m.group(1), port));
            }
        }
        return out;
    }
}
