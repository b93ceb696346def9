package dev.tessera.grid.core.cluster;

import java.time.Duration;

/**
 * How long a CONSISTENT map's primary may serve after the rest of its view last confirmed it ({@link ReadLease}), and
 * the check that this is shorter than the time the others need to take its partitions over (ADR 0013).
 *
 * <p>The inequality, all on the lease holder's monotonic clock, with {@code ρ} the relative clock-rate drift bound
 * between two members and {@code S} the shortest silence after which the stack's heartbeat failure detection may
 * suspect a member (FD_ALL3: timeout minus one interval):
 * <pre>
 *     lease · (1 + ρ)² + margin  &lt;  S
 * </pre>
 * A member that acknowledged a ping sent at {@code t0} heard from the holder after {@code t0}, so it cannot suspect the
 * holder before {@code t0 + S} of its own clock; no view without the holder, hence no promotion of its partitions, can
 * exist before then, while the holder serves only until {@code t0 + lease} of its own clock. {@code (1 + ρ)²} covers
 * one clock running fast and the other slow; {@code margin} covers the scheduling of the failure detector's checker.
 * VERIFY_SUSPECT2's timeout and the view and table installation come on top and are not counted.
 *
 * @param leaseNanos   how long a renewal lasts
 * @param renewNanos   how often renewal rounds are started: several per lease, so one lost round does not lapse it
 */
public record LeaseTiming(long leaseNanos, long renewNanos) {
    /** Bound on the relative drift of two members' monotonic clocks (NTP-disciplined clocks drift far less). */
    public static final double DRIFT = 0.01;
    /** Slack for the failure detector's checker running early relative to its schedule (it only runs late). */
    public static final long MARGIN_MILLIS = 50;
    /** Renewal rounds per lease. */
    static final int ROUNDS_PER_LEASE = 4;

    /** The lease for a configured failure-detection timeout: half of it. */
    public static LeaseTiming forFailureDetection(Duration failureDetectionTimeout) {
        long lease = failureDetectionTimeout.toNanos() / 2;
        return new LeaseTiming(lease, Math.max(1, lease / ROUNDS_PER_LEASE));
    }

    /**
     * Checks the inequality against the stack's failure detection.
     *
     * @param minimumSuspectMillis the shortest silence after which the stack may suspect a member, {@code -1} if it
     *                             has no heartbeat failure detection (the configured timeout is then trusted)
     * @param configured           {@code GridBuilder.failureDetectionTimeout}
     * @throws IllegalArgumentException if the lease could outlast the others' detection of this member, naming what to change
     */
    public void check(long minimumSuspectMillis, Duration configured) {
        long suspectNanos = minimumSuspectMillis < 0 ? configured.toNanos() : minimumSuspectMillis * 1_000_000L;
        double needed = leaseNanos * (1 + DRIFT) * (1 + DRIFT) + MARGIN_MILLIS * 1_000_000.0;
        if (needed >= suspectNanos) {
            throw new IllegalArgumentException(String.format(
                    "The read lease of CONSISTENT maps (%d ms, half of failureDetectionTimeout %d ms) must be shorter than the"
                            + " time the other members need to suspect this one (%d ms: the JGroups stack's heartbeat timeout"
                            + " minus its interval): lease x (1 + %.2f)^2 + %d ms < %d ms does not hold. Give the stack's FD_ALL3"
                            + " a timeout of at least %d ms (interval at most a quarter of it), or lower failureDetectionTimeout",
                    leaseNanos / 1_000_000, configured.toMillis(), suspectNanos / 1_000_000, DRIFT, MARGIN_MILLIS,
                    suspectNanos / 1_000_000, (long) (needed / 1_000_000) * 4 / 3 + 1));
        }
    }
}
