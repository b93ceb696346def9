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
        return new Tcp("127.0.0.1", port, 10, List.of("127.0.0.1[7800]"), null, null);
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
     * @param dns             if not {@code null}, members are found by this DNS query instead (Kubernetes)
     */
    record Tcp(String bindAddress, int port, int portRange, List<String> initialMembers, Path discoveryFolder,
               DnsDiscovery dns) implements Transport {
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

        /** Static or folder discovery, as before DNS discovery existed. */
        public Tcp(String bindAddress, int port, int portRange, List<String> initialMembers, Path discoveryFolder) {
            this(bindAddress, port, portRange, initialMembers, discoveryFolder, null);
        }

        public Tcp withBindAddress(String address) {
            return new Tcp(address, port, portRange, initialMembers, discoveryFolder, dns);
        }

        public Tcp withPortRange(int range) {
            return new Tcp(bindAddress, port, range, initialMembers, discoveryFolder, dns);
        }

        /** Static discovery: {@code host[port]} entries, e.g. {@code "127.0.0.1[7800]"}. */
        public Tcp withInitialMembers(List<String> members) {
            return new Tcp(bindAddress, port, portRange, members, null, null);
        }

        /** Folder-based discovery: every member writes its address into this shared folder. */
        public Tcp withDiscoveryFolder(Path folder) {
            return new Tcp(bindAddress, port, portRange, initialMembers, Objects.requireNonNull(folder), null);
        }

        /**
         * DNS discovery (JGroups {@code DNS_PING}), for Kubernetes: the members are the addresses the query resolves
         * to, each probed on this transport's {@code port .. port + portRange}. With a headless Service, give every
         * pod the same port and {@code withPortRange(0)}.
         *
         * @throws NullPointerException if {@code discovery} is null
         */
        public Tcp withDnsDiscovery(DnsDiscovery discovery) {
            return new Tcp(bindAddress, port, portRange, List.of(), null, Objects.requireNonNull(discovery, "discovery"));
        }

        /**
         * As {@link #withDnsDiscovery(DnsDiscovery)} with {@link DnsDiscovery#of(String)}.
         *
         * @throws IllegalArgumentException if {@code query} is blank
         */
        public Tcp withDnsDiscovery(String query) {
            return withDnsDiscovery(DnsDiscovery.of(query));
        }
    }

    /**
     * Members found through DNS: every address a query resolves to is asked whether it is a member. In Kubernetes,
     * the query is a headless Service's name ({@code tessera.my-namespace.svc.cluster.local}), which resolves to the
     * addresses of its pods; set {@code publishNotReadyAddresses: true} on that Service, as a pod is found only once
     * it is in DNS and becomes ready only after it joined.
     *
     * @param query      one or more names, comma-separated
     * @param recordType {@code A} (addresses; the transport's ports are probed), {@code AAAA}, or {@code SRV}
     *                   (addresses and ports)
     * @param server     the DNS server as {@code host} or {@code host:port}, or {@code null} for the system's resolver
     * @throws IllegalArgumentException if the query is blank, the record type is not A, AAAA or SRV, or the server is
     *                                  not {@code host[:port]}
     */
    record DnsDiscovery(String query, String recordType, String server) {
        public DnsDiscovery {
            if (query == null || query.isBlank()) {
                throw new IllegalArgumentException("DNS discovery needs a query: the headless Service's name, "
                        + "e.g. tessera.my-namespace.svc.cluster.local");
            }
            recordType = recordType == null ? "A" : recordType.trim().toUpperCase(java.util.Locale.ROOT);
            if (!List.of("A", "AAAA", "SRV").contains(recordType)) {
                throw new IllegalArgumentException("DNS record type must be A, AAAA or SRV, was " + recordType);
            }
            if (server != null && (server.isBlank() || server.contains("/"))) {
                throw new IllegalArgumentException("DNS server must be host or host:port (e.g. 10.96.0.10:53), was '"
                        + server + "'");
            }
        }

        /** A records of {@code query}, through the system's resolver. */
        public static DnsDiscovery of(String query) {
            return new DnsDiscovery(query, "A", null);
        }

        /** The same query through the DNS server at {@code hostAndPort} instead of the system's resolver. */
        public DnsDiscovery withServer(String hostAndPort) {
            return new DnsDiscovery(query, recordType, hostAndPort);
        }

        /** The same query for records of {@code type}: A, AAAA or SRV. */
        public DnsDiscovery withRecordType(String type) {
            return new DnsDiscovery(query, type, server);
        }
    }

    /** @param location file path or class-path resource of a JGroups stack XML */
    record JGroupsXml(String location) implements Transport {
        public JGroupsXml {
            Objects.requireNonNull(location, "location");
        }
    }
}
