package dev.tessera.grid.membership;

import java.util.List;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.stack.DiagnosticsHandler;

/**
 * For the benchmark store {@code jgroups-raw} only (it lives in the benchmarks module, in this package to reach
 * package-private code without widening grid-membership's API): a bare {@link JChannel} built by exactly the code
 * that builds Tessera's multi-JVM stack ({@link Stacks#tcp}: TCP_NIO2, no bundler, {@link DirectDataPathPolicy}),
 * and the flags Tessera's inline requests and replies carry, so that a raw request/response over it measures the
 * floor under Tessera's remote operations.
 */
public final class BenchStack {
    /** OOB, no flow control, handled on the thread that read it: what {@code ClusterChannel} sets on inline requests. */
    public static final Message.Flag[] INLINE_FLAGS = {Message.Flag.OOB, Message.Flag.NO_FC, DirectDataPathPolicy.MARKER};

    private BenchStack() {
    }

    /** An unconnected channel on 127.0.0.1:{@code port}, discovering {@code initialHosts} ("127.0.0.1[port]"). */
    public static JChannel channel(String clusterName, String memberName, int port, List<String> initialHosts) throws Exception {
        ChannelSettings s = new ChannelSettings(clusterName, memberName, null, StackConfig.Tcp.tcpPing(port, initialHosts),
                ChannelSettings.DEFAULT_FAILURE_DETECTION_TIMEOUT, ChannelSettings.DEFAULT_MAX_IN_FLIGHT_REQUESTS);
        JChannel ch = new JChannel(Stacks.tcp(s, (StackConfig.Tcp) s.stack()));
        DiagnosticsHandler diag = ch.getProtocolStack().getTransport().getDiagnosticsHandler();
        if (diag != null) {
            diag.setEnabled(false);
        }
        return ch.name(memberName);
    }
}
