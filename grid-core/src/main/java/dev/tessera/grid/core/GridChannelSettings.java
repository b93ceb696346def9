package dev.tessera.grid.core;

import dev.tessera.grid.GridConfig;
import dev.tessera.grid.Security;
import dev.tessera.grid.Transport;
import dev.tessera.grid.membership.ChannelSettings;
import dev.tessera.grid.membership.MemberSecurity;
import dev.tessera.grid.membership.StackConfig;
import java.util.ArrayList;
import java.util.List;

/** Translates a member's {@link GridConfig} (API types) into the channel's settings (grid-membership types). */
final class GridChannelSettings {
    private GridChannelSettings() {}

    /**
     * The channel settings of {@code c}, announcing {@code fingerprint} (the member's compatibility) in its address.
     *
     * @throws IllegalArgumentException for a transport this member cannot build a stack for
     */
    static ChannelSettings of(GridConfig c, String fingerprint) {
        return new ChannelSettings(c.clusterName(), c.memberName(), c.zone(), stack(c.transport()), c.failureDetectionTimeout(),
                c.maxInFlightRequests(), fingerprint, memberSecurity(c.security()));
    }

    private static StackConfig stack(Transport t) {
        if (t instanceof Transport.InProcess) {
            return new StackConfig.InProcess();
        } else if (t instanceof Transport.Tcp tcp) {
            StackConfig.Dns dns = tcp.dns() == null ? null
                    : new StackConfig.Dns(tcp.dns().query(), tcp.dns().recordType(), tcp.dns().server());
            return new StackConfig.Tcp(tcp.bindAddress(), tcp.port(), tcp.portRange(), tcp.initialMembers(),
                    tcp.discoveryFolder(), dns);
        } else if (t instanceof Transport.JGroupsXml xml) {
            return new StackConfig.Xml(xml.location());
        }
        throw new IllegalArgumentException("Unknown transport " + t + ": use Transport.inProcess(), tcp(port) or jgroupsXml(file)");
    }

    private static MemberSecurity memberSecurity(Security s) {
        if (s == null || s.mode() == Security.Mode.INSECURE) {
            return new MemberSecurity.None();
        }
        if (s.mode() == Security.Mode.MUTUAL_TLS) {
            return new MemberSecurity.MutualTls(s.keyStorePath(), s.keyStorePassword(), s.trustStorePath(),
                    s.trustStorePassword());
        }
        List<char[]> secrets = new ArrayList<>();
        secrets.add(s.secret());
        secrets.addAll(s.alsoAcceptedSecrets());
        return new MemberSecurity.SharedSecret(secrets);
    }
}
