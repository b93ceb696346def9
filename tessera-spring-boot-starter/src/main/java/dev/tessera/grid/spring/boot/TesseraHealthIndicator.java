package dev.tessera.grid.spring.boot;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.GridIntrospection.StopSafety;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The member's health: UP while it is running in a view that includes it and has applied a partition table;
 * OUT_OF_SERVICE while it hands over and after it closed (readiness then takes the pod out of the Service before it
 * is gone). Details: members, table version, migrating partitions and whether stopping this member now is safe
 * ({@link GridIntrospection#stopSafety()}); UP does not depend on the latter, or a two-member cluster would never be
 * ready.
 */
public class TesseraHealthIndicator implements HealthIndicator {
    private final Grid grid;

    public TesseraHealthIndicator(Grid grid) {
        this.grid = grid;
    }

    @Override
    public Health health() {
        if (!grid.isRunning()) {
            return Health.outOfService().withDetail("state", "leaving or closed: partitions handed over to the others")
                    .build();
        }
        try {
            GridIntrospection introspection = grid.introspection();
            long version = introspection.partitionTable().version();
            boolean inView = grid.members().contains(grid.localMember());
            StopSafety safety = introspection.stopSafety();
            Health.Builder h = inView && version > 0 ? Health.up() : Health.down();
            h.withDetail("member", grid.localMember().name())
                    .withDetail("members", grid.members().size())
                    .withDetail("tableVersion", version)
                    .withDetail("migratingPartitions", safety.migratingPartitions())
                    .withDetail("partitionsBelowReplicas", safety.partitionsBelowReplicas())
                    .withDetail("safeToStop", safety.safe());
            if (!safety.safe()) {
                h.withDetail("notSafeToStopBecause", safety.reasons());
            }
            return h.build();
        } catch (IllegalStateException closing) {
            return Health.outOfService().withDetail("state", "leaving or closed").build();
        }
    }
}
