package dev.tessera.grid.membership;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * Why a mutual-TLS member that ended up alone was not let in. JGroups' TCP transport swallows failed handshakes (the
 * joiner just hears no one and becomes a singleton), so after such a join this probes the discovery hosts with the
 * member's own TLS context: a peer that rejects its certificate, or whose certificate it does not trust, means the
 * cluster exists but the two do not trust each other.
 */
final class TlsProbe {
    private static final int TIMEOUT_MS = 500;

    private TlsProbe() {
    }

    /** A message naming the peers that refused (or were refused), or {@code null} if none did. */
    static String refusals(SSLContext ctx, StackConfig.Tcp cfg, InetSocketAddress self, String clusterName) {
        List<String> refused = new ArrayList<>();
        for (InetSocketAddress host : Stacks.parseHosts(cfg.initialHosts())) {
            for (int port = host.getPort(); port <= host.getPort() + cfg.portRange() && port <= 65535; port++) {
                InetSocketAddress target = new InetSocketAddress(host.getAddress(), port);
                if (target.equals(self)) {
                    continue;
                }
                String why = probe(ctx, target);
                if (why != null) {
                    refused.add(target + " (" + why + ")");
                }
            }
        }
        return refused.isEmpty() ? null : "members of cluster '" + clusterName + "' were found but TLS failed: "
                + String.join(", ", refused) + ". Every member's certificate must be signed by a CA in every other "
                + "member's trust store";
    }

    private static String probe(SSLContext ctx, InetSocketAddress target) {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            try {
                s.connect(target, TIMEOUT_MS);
            } catch (IOException nobodyThere) {
                return null;
            }
            s.setSoTimeout(TIMEOUT_MS);
            try {
                s.startHandshake();
            } catch (SSLException e) {
                return "this member does not trust its certificate: " + e.getMessage();
            }
            try {
                s.getInputStream().read(); // TLS 1.3: a rejected client certificate is reported after the handshake
                return null;
            } catch (SocketTimeoutException accepted) {
                return null;
            } catch (SSLException e) {
                return "it refused this member's certificate: " + e.getMessage();
            }
        } catch (IOException e) {
            return null;
        }
    }
}
