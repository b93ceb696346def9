package dev.tessera.grid.spring.boot;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridIntrospection.StopSafety;
import dev.tessera.grid.Member;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@code /actuator/tessera}: this member, the members, the table version; {@code /actuator/tessera/safe-to-stop}
 * answers 200 when stopping this member now leaves every partition its configured replicas, 503 (with the reasons)
 * when not: for scripts and operators that scale down one member at a time.
 */
@Endpoint(id = "tessera")
public class TesseraEndpoint {
    private final Grid grid;

    public TesseraEndpoint(Grid grid) {
        this.grid = grid;
    }

    @ReadOperation
    public Map<String, Object> member() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("running", grid.isRunning());
        if (grid.isRunning()) {
            out.put("member", grid.localMember().name());
            out.put("members", grid.members().stream().map(Member::name).toList());
            out.put("tableVersion", grid.introspection().partitionTable().version());
            out.put("safeToStop", safety(grid.introspection().stopSafety()));
        }
        return out;
    }

    @ReadOperation
    public WebEndpointResponse<Map<String, Object>> check(@Selector String check) {
        if (!"safe-to-stop".equals(check)) {
            return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
        }
        if (!grid.isRunning()) {
            return new WebEndpointResponse<>(Map.of("safe", false, "reasons", List.of("the member is leaving or closed")),
                    WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
        }
        StopSafety s = grid.introspection().stopSafety();
        return new WebEndpointResponse<>(safety(s), s.safe() ? WebEndpointResponse.STATUS_OK
                : WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
    }

    private static Map<String, Object> safety(StopSafety s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("safe", s.safe());
        out.put("requiredReplicas", s.requiredReplicas());
        out.put("members", s.members());
        out.put("partitionsBelowReplicas", s.partitionsBelowReplicas());
        out.put("migratingPartitions", s.migratingPartitions());
        out.put("reasons", s.reasons());
        return out;
    }
}
