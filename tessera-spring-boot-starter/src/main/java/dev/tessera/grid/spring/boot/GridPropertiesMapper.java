package dev.tessera.grid.spring.boot;

import dev.tessera.grid.EvictionConfig;
import dev.tessera.grid.GridBuilder;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.Security;
import dev.tessera.grid.Transport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Applies {@link TesseraProperties} to a {@link GridBuilder} and builds the per-map configurations. Every value goes
 * through the grid's own validation; a refusal becomes an {@link InvalidTesseraPropertyException} naming the property.
 */
final class GridPropertiesMapper {
    private static final java.util.regex.Pattern PEER = java.util.regex.Pattern.compile("\\s*[^\\[\\]\\s:]+(\\[\\d{1,5}]|:\\d{1,5})\\s*");
    private GridPropertiesMapper() {
    }

    static GridBuilder apply(TesseraProperties p, GridBuilder b) {
        at("tessera.cluster-name", () -> b.clusterName(p.getClusterName()));
        if (p.getMemberName() != null) {
            at("tessera.member-name", () -> b.memberName(p.getMemberName()));
        }
        b.zone(p.getZone());
        at("tessera.partition-count", () -> b.partitionCount(p.getPartitionCount()));
        at("tessera.operation-timeout", () -> b.operationTimeout(p.getOperationTimeout()));
        at("tessera.failure-detection-timeout", () -> b.failureDetectionTimeout(p.getFailureDetectionTimeout()));
        at("tessera.leave-timeout", () -> b.leaveTimeout(p.getLeaveTimeout()));
        b.shutdownHook(p.isShutdownHook());
        at("tessera.max-maps", () -> b.maxMaps(p.getMaxMaps()));
        at("tessera.max-value-bytes", () -> b.maxValueBytes(p.getMaxValueBytes()));
        at("tessera.max-in-flight-requests", () -> b.maxInFlightRequests(p.getMaxInFlightRequests()));
        p.getRegisteredTypes().forEach(b::registerType);
        b.transport(transport(p.getTransport()));
        Security security = security(p.getSecurity());
        if (security != null) {
            b.security(security);
        }
        return b;
    }

    /**
     * Checks what only the whole configuration can tell (a non-loopback address without a security setting), with
     * the properties that fix it.
     */
    static void validate(GridBuilder b) {
        try {
            b.build();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new InvalidTesseraPropertyException("tessera.security.mode", e.getMessage()
                    + " (properties: tessera.security.mode=shared-secret with tessera.security.secret-env, or mutual-tls"
                    + " with tessera.security.key-store/trust-store, or insecure; or tessera.transport.bind-address)", e);
        }
    }

    static Map<String, MapConfig> mapConfigs(TesseraProperties p) {
        Map<String, MapConfig> out = new LinkedHashMap<>();
        p.getMaps().forEach((name, m) -> out.put(name, mapConfig("tessera.maps." + name, m)));
        return out;
    }

    static MapConfig mapConfig(String prefix, TesseraProperties.MapProperties m) {
        MapConfig.Builder b = MapConfig.builder();
        at(prefix + ".backups", () -> b.backups(m.getBackups()));
        at(prefix + ".async-backups", () -> b.asyncBackups(m.getAsyncBackups()));
        b.readFromBackup(m.isReadFromBackup());
        at(prefix + ".split-brain-mode", () -> b.splitBrainMode(m.getSplitBrainMode()));
        if (m.getMergePolicy() != null) {
            at(prefix + ".merge-policy", () -> b.mergePolicy(m.getMergePolicy()));
        }
        if (m.getTimeToLive() != null) {
            at(prefix + ".time-to-live", () -> b.timeToLive(m.getTimeToLive()));
        }
        if (m.getMaxIdle() != null) {
            at(prefix + ".max-idle", () -> b.maxIdle(m.getMaxIdle()));
        }
        if (m.getMaxEntries() != null && m.getMaxBytes() != null) {
            throw new InvalidTesseraPropertyException(prefix + ".max-bytes",
                    "set either max-entries or max-bytes, not both", null);
        }
        if (m.getMaxEntries() != null) {
            at(prefix + ".max-entries", () -> b.eviction(EvictionConfig.maxEntries(m.getMaxEntries())));
        }
        if (m.getMaxBytes() != null) {
            at(prefix + ".max-bytes", () -> b.eviction(EvictionConfig.maxBytes(m.getMaxBytes())));
        }
        if (m.getNearCacheMaxEntries() != null) {
            at(prefix + ".near-cache-max-entries", () -> b.nearCache(NearCacheConfig.of(m.getNearCacheMaxEntries())));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            // MapConfig checks its options together; its message starts with the option's name
            String message = String.valueOf(e.getMessage());
            String option = MAP_OPTIONS.keySet().stream().filter(o -> message.startsWith(o + " "))
                    .findFirst().map(MAP_OPTIONS::get).orElse(null);
            throw new InvalidTesseraPropertyException(option == null ? prefix : prefix + "." + option, message, e);
        }
    }

    /** MapConfig's option names, as its messages spell them, and the properties that set them. */
    private static final Map<String, String> MAP_OPTIONS = Map.of("backups", "backups", "asyncBackups", "async-backups",
            "timeToLive", "time-to-live", "maxIdle", "max-idle", "splitBrainMode", "split-brain-mode",
            "mergePolicy", "merge-policy");

    private static Transport transport(TesseraProperties.Transport t) {
        switch (t.getType()) {
            case IN_PROCESS:
                return Transport.inProcess();
            case JGROUPS_XML:
                if (t.getJgroupsXml() == null || t.getJgroupsXml().isBlank()) {
                    throw new InvalidTesseraPropertyException("tessera.transport.jgroups-xml",
                            "tessera.transport.type=jgroups-xml needs the location of the JGroups XML stack", null);
                }
                return Transport.jgroupsXml(t.getJgroupsXml());
            default:
                Transport.Tcp port = at("tessera.transport.port", () -> Transport.tcp(t.getPort()));
                Transport.Tcp range = at("tessera.transport.port-range", () -> port.withPortRange(t.getPortRange()));
                Transport.Tcp base = at("tessera.transport.bind-address", () -> range.withBindAddress(t.getBindAddress()));
                TesseraProperties.Transport.Dns dns = t.getDns();
                if (dns.getQuery() != null && !dns.getQuery().isBlank()) {
                    return at("tessera.transport.dns", () -> base.withDnsDiscovery(
                            new Transport.DnsDiscovery(dns.getQuery(), dns.getRecordType(), dns.getServer())));
                }
                if (t.getDiscoveryFolder() != null) {
                    return base.withDiscoveryFolder(t.getDiscoveryFolder());
                }
                List<String> peers = t.getPeers();
                for (String peer : peers) {
                    if (peer == null || !PEER.matcher(peer).matches()) {
                        throw new InvalidTesseraPropertyException("tessera.transport.peers", "'" + peer
                                + "' is not of the form host[port], e.g. 10.0.0.5[7800]", null);
                    }
                }
                return at("tessera.transport.peers", () -> base.withInitialMembers(peers));
        }
    }

    private static Security security(TesseraProperties.Security s) {
        switch (s.getMode()) {
            case NONE:
                return null;
            case INSECURE:
                return Security.insecure();
            case MUTUAL_TLS:
                return at("tessera.security.key-store", () -> Security.mutualTls(s.getKeyStore(),
                        s.getKeyStorePassword(), s.getTrustStore(), s.getTrustStorePassword()));
            default:
                Security secret;
                if (s.getSecretEnv() != null && !s.getSecretEnv().isBlank()) {
                    secret = at("tessera.security.secret-env", () -> Security.sharedSecretFromEnv(s.getSecretEnv()));
                } else {
                    secret = at("tessera.security.secret", () -> Security.sharedSecret(s.getSecret()));
                }
                if (s.getAcceptingNext() != null) {
                    Security base = secret;
                    secret = at("tessera.security.accepting-next", () -> base.acceptingNext(s.getAcceptingNext()));
                }
                if (s.getAcceptingPrevious() != null) {
                    Security base = secret;
                    secret = at("tessera.security.accepting-previous", () -> base.acceptingPrevious(s.getAcceptingPrevious()));
                }
                return secret;
        }
    }

    private static <T> T at(String property, Supplier<T> step) {
        try {
            return step.get();
        } catch (InvalidTesseraPropertyException e) {
            throw e;
        } catch (RuntimeException e) { // the builder's refusal of this value (IllegalArgument, IllegalState, NullPointer)
            throw new InvalidTesseraPropertyException(property, String.valueOf(e.getMessage()), e);
        }
    }
}
