package dev.tessera.grid.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code tessera.*} properties: one member of a Tessera cluster in this application. Defaults are those of
 * {@code Grid.builder()}, except {@code shutdown-hook}: the application context closes (hands over) the member.
 */
@ConfigurationProperties(prefix = "tessera")
public class TesseraProperties {

    /** Whether to start a Tessera member in this application. */
    private boolean enabled = true;

    /** Members with the same cluster name and a transport that reaches each other form a cluster. */
    private String clusterName = "tessera";

    /** This member's name, shown in tools and logs; random if unset. In Kubernetes, the pod name. */
    private String memberName;

    /** Failure zone of this member (rack, availability zone): backups go to other zones than their primary. */
    private String zone;

    /** Number of partitions, fixed for the life of the cluster; every member must use the same. */
    private int partitionCount = 271;

    /** How long a map operation may take, retries included. */
    private Duration operationTimeout = Duration.ofSeconds(10);

    /** How long a silent member is tolerated before it is suspected. */
    private Duration failureDetectionTimeout = Duration.ofSeconds(3);

    /** How long closing the member (context shutdown) waits for its partitions to be handed over. */
    private Duration leaveTimeout = Duration.ofSeconds(60);

    /**
     * Whether the member registers its own JVM shutdown hook. Off by default under Spring: the context's shutdown
     * (which Spring runs on SIGTERM) closes the member after the beans that use it, which hands its partitions over.
     */
    private boolean shutdownHook = false;

    /** Most maps this member holds at once. */
    private int maxMaps = 1_000;

    /** Largest serialized key or value, in bytes (at most 64 MiB). */
    private int maxValueBytes = 67_108_864;

    /** Bound on concurrent remote requests issued by application threads. */
    private int maxInFlightRequests = 1024;

    /** Application classes allowed to be stored (the values and keys of your maps and caches), on every member. */
    private List<Class<?>> registeredTypes = new ArrayList<>();

    private final Transport transport = new Transport();

    private final Security security = new Security();

    private final Cache cache = new Cache();

    /** Per map name: its configuration, used by the cache manager and by GridMaps. */
    private Map<String, MapProperties> maps = new LinkedHashMap<>();

    /** How members find and talk to each other. */
    public static class Transport {
        /** tcp (default), in-process (members of this JVM only, for tests) or jgroups-xml (your own stack). */
        private TransportType type = TransportType.TCP;

        /** Address TCP binds to. Anything but a loopback address needs tessera.security. In Kubernetes: the pod IP. */
        private String bindAddress = "127.0.0.1";

        /** First TCP port to try. */
        private int port = 7800;

        /** How many following ports to try if the port is taken, and to probe on each peer or DNS address. */
        private int portRange = 10;

        /** Static discovery: peers as host[port] (e.g. 10.0.0.5[7800]). */
        private List<String> peers = new ArrayList<>(List.of("127.0.0.1[7800]"));

        /** Folder-based discovery: every member writes its address into this shared folder. */
        private Path discoveryFolder;

        /** JGroups XML stack (file or class-path resource) for type jgroups-xml. */
        private String jgroupsXml;

        private final Dns dns = new Dns();

        /** DNS discovery (JGroups DNS_PING), for a Kubernetes headless Service. */
        public static class Dns {
            /** Name to resolve, e.g. tessera.my-namespace.svc.cluster.local; setting it turns DNS discovery on. */
            private String query;

            /** A (addresses; the transport's ports are probed), AAAA, or SRV (addresses and ports). */
            private String recordType = "A";

            /** DNS server as host or host:port; unset: the system's resolver. */
            private String server;

            public String getQuery() { return query; }
            public void setQuery(String query) { this.query = query; }
            public String getRecordType() { return recordType; }
            public void setRecordType(String recordType) { this.recordType = recordType; }
            public String getServer() { return server; }
            public void setServer(String server) { this.server = server; }
        }

        public TransportType getType() { return type; }
        public void setType(TransportType type) { this.type = type; }
        public String getBindAddress() { return bindAddress; }
        public void setBindAddress(String bindAddress) { this.bindAddress = bindAddress; }
        public int getPort() { return port; }
        public void setPort(int port) { this.port = port; }
        public int getPortRange() { return portRange; }
        public void setPortRange(int portRange) { this.portRange = portRange; }
        public List<String> getPeers() { return peers; }
        public void setPeers(List<String> peers) { this.peers = peers; }
        public Path getDiscoveryFolder() { return discoveryFolder; }
        public void setDiscoveryFolder(Path discoveryFolder) { this.discoveryFolder = discoveryFolder; }
        public String getJgroupsXml() { return jgroupsXml; }
        public void setJgroupsXml(String jgroupsXml) { this.jgroupsXml = jgroupsXml; }
        public Dns getDns() { return dns; }
    }

    /** The transports of {@code tessera.transport.type}. */
    public enum TransportType { TCP, IN_PROCESS, JGROUPS_XML }

    /** Who may join and how traffic is protected. */
    public static class Security {
        /**
         * none (loopback and in-process only), insecure (plaintext on any address), shared-secret or mutual-tls.
         */
        private SecurityMode mode = SecurityMode.NONE;

        /** The shared secret (at least 16 characters). Prefer secret-env, or a Kubernetes Secret mapped to it. */
        private String secret;

        /** Environment variable holding the shared secret, e.g. TESSERA_SECRET. */
        private String secretEnv;

        /** Rotation, first step: a secret this member also accepts from members that already use it. */
        private String acceptingNext;

        /** Rotation, second step: the former secret this member still accepts. */
        private String acceptingPrevious;

        /** Mutual TLS: PKCS#12, JKS or PEM key store. */
        private Path keyStore;

        /** Mutual TLS: key store password ("" for none). */
        private String keyStorePassword = "";

        /** Mutual TLS: trust store of the CA certificates. */
        private Path trustStore;

        /** Mutual TLS: trust store password ("" for none). */
        private String trustStorePassword = "";

        public SecurityMode getMode() { return mode; }
        public void setMode(SecurityMode mode) { this.mode = mode; }
        public String getSecret() { return secret; }
        public void setSecret(String secret) { this.secret = secret; }
        public String getSecretEnv() { return secretEnv; }
        public void setSecretEnv(String secretEnv) { this.secretEnv = secretEnv; }
        public String getAcceptingNext() { return acceptingNext; }
        public void setAcceptingNext(String acceptingNext) { this.acceptingNext = acceptingNext; }
        public String getAcceptingPrevious() { return acceptingPrevious; }
        public void setAcceptingPrevious(String acceptingPrevious) { this.acceptingPrevious = acceptingPrevious; }
        public Path getKeyStore() { return keyStore; }
        public void setKeyStore(Path keyStore) { this.keyStore = keyStore; }
        public String getKeyStorePassword() { return keyStorePassword; }
        public void setKeyStorePassword(String keyStorePassword) { this.keyStorePassword = keyStorePassword; }
        public Path getTrustStore() { return trustStore; }
        public void setTrustStore(Path trustStore) { this.trustStore = trustStore; }
        public String getTrustStorePassword() { return trustStorePassword; }
        public void setTrustStorePassword(String trustStorePassword) { this.trustStorePassword = trustStorePassword; }
    }

    /** The modes of {@code tessera.security.mode}. */
    public enum SecurityMode { NONE, INSECURE, SHARED_SECRET, MUTUAL_TLS }

    /** The Spring CacheManager backed by Tessera maps. */
    public static class Cache {
        /** Whether to provide a CacheManager (when the application has none) so that @Cacheable uses Tessera maps. */
        private boolean enabled = true;

        /** Caches (map names) to create at startup; others are created on first use unless this list is fixed. */
        private List<String> names = new ArrayList<>();

        /** Whether only the caches listed in names exist (an unknown name then is an error, as in Spring's own). */
        private boolean fixedNames = false;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public List<String> getNames() { return names; }
        public void setNames(List<String> names) { this.names = names; }
        public boolean isFixedNames() { return fixedNames; }
        public void setFixedNames(boolean fixedNames) { this.fixedNames = fixedNames; }
    }

    /** One map's configuration ({@code tessera.maps.<name>.*}); every member must use the same for a name. */
    public static class MapProperties {
        /** Synchronous backups (0..6): a write survives the simultaneous loss of this many members. */
        private int backups = 1;

        /** Additional backups updated without waiting (backups + async-backups <= 6). */
        private int asyncBackups = 0;

        /** Serve reads from a local backup copy (may be stale). */
        private boolean readFromBackup = false;

        /** available (both sides of a split serve) or consistent (a minority refuses writes). */
        private dev.tessera.grid.SplitBrainMode splitBrainMode = dev.tessera.grid.SplitBrainMode.AVAILABLE;

        /** Name of a merge policy registered on every member (a TesseraGridCustomizer), for after a split. */
        private String mergePolicy;

        /** Time-to-live of an entry after its last write; unset: none. */
        private Duration timeToLive;

        /** An entry neither read nor written for this long expires; unset: none. */
        private Duration maxIdle;

        /** Most primary entries of the map per member (evicts by LFU beyond it); unset: no bound. */
        private Long maxEntries;

        /** Most heap bytes of the map's primary entries per member; unset: no bound. */
        private Long maxBytes;

        /** Near cache of remote values: most entries per member; unset: no near cache. */
        private Integer nearCacheMaxEntries;

        public int getBackups() { return backups; }
        public void setBackups(int backups) { this.backups = backups; }
        public int getAsyncBackups() { return asyncBackups; }
        public void setAsyncBackups(int asyncBackups) { this.asyncBackups = asyncBackups; }
        public boolean isReadFromBackup() { return readFromBackup; }
        public void setReadFromBackup(boolean readFromBackup) { this.readFromBackup = readFromBackup; }
        public dev.tessera.grid.SplitBrainMode getSplitBrainMode() { return splitBrainMode; }
        public void setSplitBrainMode(dev.tessera.grid.SplitBrainMode splitBrainMode) { this.splitBrainMode = splitBrainMode; }
        public String getMergePolicy() { return mergePolicy; }
        public void setMergePolicy(String mergePolicy) { this.mergePolicy = mergePolicy; }
        public Duration getTimeToLive() { return timeToLive; }
        public void setTimeToLive(Duration timeToLive) { this.timeToLive = timeToLive; }
        public Duration getMaxIdle() { return maxIdle; }
        public void setMaxIdle(Duration maxIdle) { this.maxIdle = maxIdle; }
        public Long getMaxEntries() { return maxEntries; }
        public void setMaxEntries(Long maxEntries) { this.maxEntries = maxEntries; }
        public Long getMaxBytes() { return maxBytes; }
        public void setMaxBytes(Long maxBytes) { this.maxBytes = maxBytes; }
        public Integer getNearCacheMaxEntries() { return nearCacheMaxEntries; }
        public void setNearCacheMaxEntries(Integer nearCacheMaxEntries) { this.nearCacheMaxEntries = nearCacheMaxEntries; }
    }

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getClusterName() { return clusterName; }
    public void setClusterName(String clusterName) { this.clusterName = clusterName; }
    public String getMemberName() { return memberName; }
    public void setMemberName(String memberName) { this.memberName = memberName; }
    public String getZone() { return zone; }
    public void setZone(String zone) { this.zone = zone; }
    public int getPartitionCount() { return partitionCount; }
    public void setPartitionCount(int partitionCount) { this.partitionCount = partitionCount; }
    public Duration getOperationTimeout() { return operationTimeout; }
    public void setOperationTimeout(Duration operationTimeout) { this.operationTimeout = operationTimeout; }
    public Duration getFailureDetectionTimeout() { return failureDetectionTimeout; }
    public void setFailureDetectionTimeout(Duration failureDetectionTimeout) { this.failureDetectionTimeout = failureDetectionTimeout; }
    public Duration getLeaveTimeout() { return leaveTimeout; }
    public void setLeaveTimeout(Duration leaveTimeout) { this.leaveTimeout = leaveTimeout; }
    public boolean isShutdownHook() { return shutdownHook; }
    public void setShutdownHook(boolean shutdownHook) { this.shutdownHook = shutdownHook; }
    public int getMaxMaps() { return maxMaps; }
    public void setMaxMaps(int maxMaps) { this.maxMaps = maxMaps; }
    public int getMaxValueBytes() { return maxValueBytes; }
    public void setMaxValueBytes(int maxValueBytes) { this.maxValueBytes = maxValueBytes; }
    public int getMaxInFlightRequests() { return maxInFlightRequests; }
    public void setMaxInFlightRequests(int maxInFlightRequests) { this.maxInFlightRequests = maxInFlightRequests; }
    public List<Class<?>> getRegisteredTypes() { return registeredTypes; }
    public void setRegisteredTypes(List<Class<?>> registeredTypes) { this.registeredTypes = registeredTypes; }
    public Transport getTransport() { return transport; }
    public Security getSecurity() { return security; }
    public Cache getCache() { return cache; }
    public Map<String, MapProperties> getMaps() { return maps; }
    public void setMaps(Map<String, MapProperties> maps) { this.maps = maps; }
}
