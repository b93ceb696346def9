package dev.tessera.grid.membership;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ClusterChannel} joins.
 *
 * @param clusterName             JGroups cluster name; members with the same name (and stack) form one cluster
 * @param memberName              this member's name, visible to every member in {@link ClusterView}; {@code null}
 *                                means a generated one
 * @param zone                    this member's zone (rack, availability zone...), visible to every member; may be
 *                                {@code null}
 * @param stack                   the protocol stack; {@code null} means {@link StackConfig.InProcess}
 * @param failureDetectionTimeout FD_ALL3 timeout (heartbeat interval = timeout / 4); {@code null} means 3 s.
 *                                Ignored for {@link StackConfig.Xml}.
 * @param maxInFlightRequests     bound used by {@link ClusterChannel#requestBounded}; must be &gt; 0
 * @param compatibility           a short fingerprint of what this member must share with the others to exchange
 *                                data (the layer above decides what it covers), visible to every member in
 *                                {@link MemberInfo#compatibility()}; may be {@code null}
 * @param security                authentication and encryption of the built-in stacks; {@code null} means
 *                                {@link MemberSecurity.None}. Ignored for {@link StackConfig.Xml}.
 */
public record ChannelSettings(String clusterName, String memberName, String zone, StackConfig stack,
        Duration failureDetectionTimeout, int maxInFlightRequests, String compatibility, MemberSecurity security) {

    public static final Duration DEFAULT_FAILURE_DETECTION_TIMEOUT = Duration.ofSeconds(3);
    public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = 1024;

    public ChannelSettings {
        Objects.requireNonNull(clusterName, "clusterName");
        if (clusterName.isBlank()) {
            throw new IllegalArgumentException("clusterName must not be blank");
        }
        if (memberName == null || memberName.isBlank()) {
            memberName = "member-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        }
        if (zone != null && zone.isBlank()) {
            zone = null;
        }
        if (stack == null) {
            stack = new StackConfig.InProcess();
        }
        if (failureDetectionTimeout == null) {
            failureDetectionTimeout = DEFAULT_FAILURE_DETECTION_TIMEOUT;
        }
        if (failureDetectionTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("failureDetectionTimeout must be at least 100 ms: " + failureDetectionTimeout);
        }
        if (maxInFlightRequests <= 0) {
            throw new IllegalArgumentException("maxInFlightRequests must be > 0: " + maxInFlightRequests);
        }
        if (compatibility != null && (compatibility.isEmpty() || compatibility.length() > 64)) {
            throw new IllegalArgumentException("compatibility must be 1..64 characters: '" + compatibility + "'");
        }
        if (security == null) {
            security = new MemberSecurity.None();
        }
        if (security instanceof MemberSecurity.MutualTls && !(stack instanceof StackConfig.Tcp)) {
            throw new IllegalArgumentException("mutual TLS needs the TCP stack, not " + stack);
        }
    }

    /** Without a compatibility fingerprint or security (the stack's own XML, or a plaintext built-in stack). */
    public ChannelSettings(String clusterName, String memberName, String zone, StackConfig stack,
            Duration failureDetectionTimeout, int maxInFlightRequests) {
        this(clusterName, memberName, zone, stack, failureDetectionTimeout, maxInFlightRequests, null, null);
    }

    /** In-process stack with default failure detection and in-flight bound. */
    public static ChannelSettings inProcess(String clusterName, String memberName, String zone) {
        return new ChannelSettings(clusterName, memberName, zone, new StackConfig.InProcess(), null,
                DEFAULT_MAX_IN_FLIGHT_REQUESTS);
    }

    public ChannelSettings withStack(StackConfig newStack) {
        return new ChannelSettings(clusterName, memberName, zone, newStack, failureDetectionTimeout, maxInFlightRequests,
                compatibility, security);
    }

    public ChannelSettings withFailureDetectionTimeout(Duration timeout) {
        return new ChannelSettings(clusterName, memberName, zone, stack, timeout, maxInFlightRequests, compatibility,
                security);
    }

    public ChannelSettings withMaxInFlightRequests(int max) {
        return new ChannelSettings(clusterName, memberName, zone, stack, failureDetectionTimeout, max, compatibility,
                security);
    }

    public ChannelSettings withCompatibility(String fingerprint) {
        return new ChannelSettings(clusterName, memberName, zone, stack, failureDetectionTimeout, maxInFlightRequests,
                fingerprint, security);
    }

    public ChannelSettings withSecurity(MemberSecurity newSecurity) {
        return new ChannelSettings(clusterName, memberName, zone, stack, failureDetectionTimeout, maxInFlightRequests,
                compatibility, newSecurity);
    }
}
