package dev.tessera.grid.membership;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Which JGroups protocol stack a {@link ClusterChannel} runs. */
public sealed interface StackConfig {

    /**
     * Members in the same JVM only: {@code SHARED_LOOPBACK} + {@code SHARED_LOOPBACK_PING}. No socket is opened.
     * Channels with the same cluster name in one JVM find each other.
     */
    record InProcess() implements StackConfig {
    }

    /**
     * TCP between processes, bound to {@code bindHost} (default {@code 127.0.0.1}), with explicit discovery.
     *
     * @param bindHost        address TCP and FD_SOCK2 bind to; {@code null} means {@code 127.0.0.1}
     * @param bindPort        first TCP port to try; {@code 0} means an ephemeral port (only sensible with FILE_PING)
     * @param portRange       how many ports above {@code bindPort} to try if it is taken; also the range TCPPING
     *                        probes above each initial host's port
     * @param initialHosts    TCPPING hosts as {@code "127.0.0.1[7800]"} (or {@code "127.0.0.1:7800"}); may be empty
     * @param discoveryFolder {@code null} for TCPPING with {@code initialHosts}; otherwise FILE_PING in this folder
     *                        (shared by all members)
     * @param dns             if not {@code null}, DNS_PING with this query instead of TCPPING or FILE_PING
     */
    record Tcp(String bindHost, int bindPort, int portRange, List<String> initialHosts, Path discoveryFolder, Dns dns)
            implements StackConfig {
        public Tcp {
            bindHost = bindHost == null || bindHost.isBlank() ? "127.0.0.1" : bindHost.trim();
            if (bindPort < 0 || bindPort > 65535) {
                throw new IllegalArgumentException("bindPort out of range: " + bindPort);
            }
            if (portRange < 0) {
                throw new IllegalArgumentException("portRange must be >= 0: " + portRange);
            }
            initialHosts = initialHosts == null ? List.of() : List.copyOf(initialHosts);
        }

        /** TCPPING or FILE_PING discovery. */
        public Tcp(String bindHost, int bindPort, int portRange, List<String> initialHosts, Path discoveryFolder) {
            this(bindHost, bindPort, portRange, initialHosts, discoveryFolder, null);
        }

        /** TCPPING discovery on the loopback interface. */
        public static Tcp tcpPing(int bindPort, List<String> initialHosts) {
            return new Tcp("127.0.0.1", bindPort, 0, initialHosts, null);
        }

        /** FILE_PING discovery in {@code folder}, on the loopback interface and an ephemeral port. */
        public static Tcp filePing(Path folder) {
            return new Tcp("127.0.0.1", 0, 0, List.of(), Objects.requireNonNull(folder, "folder"));
        }
    }

    /**
     * JGroups {@code DNS_PING}: the members are the addresses {@code query} resolves to.
     *
     * @param query      comma-separated names (a Kubernetes headless Service)
     * @param recordType A, AAAA (the transport's ports are probed on each address) or SRV (addresses and ports)
     * @param server     DNS server {@code host[:port]}, or {@code null} for the system's resolver
     */
    record Dns(String query, String recordType, String server) {
        public Dns {
            Objects.requireNonNull(query, "query");
            recordType = recordType == null ? "A" : recordType;
        }
    }

    /**
     * A user-supplied JGroups XML configuration, loaded with {@code new JChannel(location)}: a file path or a class
     * path resource. Its failure-detection settings are used as they are; {@link ChannelSettings#failureDetectionTimeout()}
     * does not apply.
     */
    record Xml(String location) implements StackConfig {
        public Xml {
            Objects.requireNonNull(location, "location");
        }
    }
}
