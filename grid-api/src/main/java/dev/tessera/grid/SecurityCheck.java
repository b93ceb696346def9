package dev.tessera.grid;

import java.net.InetAddress;

/** Secure by default: which transports may run without a security setting, and which setting fits which transport. */
final class SecurityCheck {
    private SecurityCheck() {
    }

    static void check(Transport transport, Security security, String clusterName) {
        if (transport instanceof Transport.JGroupsXml) {
            if (security != null && security.mode() != Security.Mode.INSECURE) {
                throw new IllegalArgumentException("Transport.jgroupsXml is your own JGroups stack: configure AUTH, "
                        + "SYM_ENCRYPT or TLS in that XML; builder.security(" + security + ") applies to Transport.tcp "
                        + "and Transport.inProcess only");
            }
            return;
        }
        if (security != null && security.mode() == Security.Mode.MUTUAL_TLS && !(transport instanceof Transport.Tcp)) {
            throw new IllegalArgumentException("Security.mutualTls needs Transport.tcp(..), not " + transport
                    + ": use Security.sharedSecret(..) for in-process members");
        }
        if (security == null && transport instanceof Transport.Tcp tcp && !isLoopback(tcp.bindAddress())) {
            throw new IllegalStateException("member binds " + tcp.bindAddress() + ", which is not a loopback address, "
                    + "and has no security setting: anyone who reaches it could join cluster '" + clusterName
                    + "' and read or change every entry. Set a secret on every member: "
                    + "Grid.builder().security(Security.sharedSecret(secret)) or .security(Security.sharedSecretFromEnv("
                    + "\"TESSERA_SECRET\")), or mutual TLS: Security.mutualTls(keyStore, pw, trustStore, pw); "
                    + "or opt out explicitly with .security(Security.insecure())");
        }
    }

    private static boolean isLoopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (java.net.UnknownHostException e) {
            return false; // cannot tell: treat as exposed
        }
    }
}
