package dev.tessera.grid;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How members find and talk to each other. Every variant binds the loopback interface unless told
 * otherwise, so a default configuration never exposes the grid to the network.
 */
public sealed interface Transport {

    /** Members in the same JVM only (tests, examples). */
    static Transport inProcess() {
        return new InProcess();
    }

    /** TCP on 127.0.0.1:{@code port} (trying up to 10 following ports), finding others on 127.0.0.1:7800..7809. */
    static Tcp tcp(int port) {
        return new Tcp("127.0.0.1", port, 10, List.of("127.0.0.1[7800]"), null);
    }

    /** A JGroups XML stack file (path or class-path resource), for anything else: UDP, DNS_PING, encryption. */
    static Transport jgroupsXml(String location) {
        return new JGroupsXml(location);
    }

    /** In-process transport: members of one JVM only. */
    record InProcess() implements Transport {}

    /**
     * TCP with explicit discovery.
     *
     * @param bindAddress     interface to bind; default 127.0.0.1
     * @param port            first port to try
     * @param portRange       how many following ports to try if taken, and to probe on each host
     * @param initialMembers  static member list, {@code host[port]} entries (JGroups TCPPING syntax)
     * @param discoveryFolder if not {@code null}, members register in this shared folder instead
     */
    record Tcp(String bindAddress, int port, int portRange, List<String> initialMembers, Path discoveryFolder)
            implements Transport {
        public Tcp {
            Objects.requireNonNull(bindAddress, "bindAddress");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("TCP port must be 0..65535, was " + port);
            }
            if (portRange < 0) {
                throw new IllegalArgumentException("TCP portRange must be >= 0, was " + portRange);
            }
            initialMembers = List.copyOf(initialMembers);
        }

        public Tcp withBindAddress(String address) {
            return new Tcp(address, port, portRange, initialMembers, discoveryFolder);
        }

        public Tcp withPortRange(int range) {
            return new Tcp(bindAddress, port, range, initialMembers, discoveryFolder);
        }

        /** Static discovery: {@code host[port]} entries, e.g. {@code "127.0.0.1[7800]"}. */
        public Tcp withInitialMembers(List<String> members) {
            return new Tcp(bindAddress, port, portRange, members, null);
        }

        /** Folder-based discovery: every member writes its address into this shared folder. */
        public Tcp withDiscoveryFolder(Path folder) {
            return new Tcp(bindAddress, port, portRange, initialMembers, Objects.requireNonNull(folder));
        }
    }

    /** @param location file path or class-path resource of a JGroups stack XML */
    record JGroupsXml(String location) implements Transport {
        public JGroupsXml {
            Objects.requireNonNull(location, "location");
        }
    }
}
