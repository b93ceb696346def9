package dev.tessera.grid.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Checks the grid's invariants ({@link GridInvariants}: stable table, one live primary per partition, every replica
 * equal to its primary, no entries outside a member's replicas) after every test, right after the test method
 * returned and before its {@code @AfterEach}, in every open {@link TestCluster} of the test: those it created and
 * those its class shares (started in {@code @BeforeAll}), so the test that broke a shared cluster is the one that
 * fails. A broken invariant fails the test, naming the cluster and the invariant. Then it closes the clusters the
 * test created and left open (which checks that their members' threads ended), so a test may leave that to it; the
 * class's own clusters stay for its next test. Use it with {@code @ExtendWith(GridInvariantsExtension.class)} on the
 * test class.
 *
 * <p>A test that already failed is not checked (its own failure says more); a cluster that was told why not
 * ({@link TestCluster#skipInvariants}) is not either. Clusters are attributed to a class and a test by when they were
 * created, so it assumes the tests of one JVM run one at a time, as surefire runs them here.
 */
public final class GridInvariantsExtension
        implements BeforeAllCallback, BeforeEachCallback, AfterTestExecutionCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(GridInvariantsExtension.class);
    private static final String CREATED_BEFORE_CLASS = "clusters created before the class";
    private static final String CREATED_BEFORE_TEST = "clusters created before the test";
    private static final String REPORTED = "clusters whose invariants the test was failed for";

    private final Duration settle;

    /** Waits up to 30 s for the invariants to hold ({@link TestCluster#close()} waits as long). */
    public GridInvariantsExtension() {
        this(GridInvariants.SETTLE);
    }

    private GridInvariantsExtension(Duration settle) {
        this.settle = settle;
    }

    /**
     * An extension that waits up to {@code settle} for the invariants to hold, to register with
     * {@code @RegisterExtension static final GridInvariantsExtension ...}.
     *
     * @throws IllegalArgumentException if {@code settle} is negative
     */
    public static GridInvariantsExtension settlingFor(Duration settle) {
        if (settle.isNegative()) {
            throw new IllegalArgumentException("settle must not be negative, was " + settle);
        }
        return new GridInvariantsExtension(settle);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NS).put(CREATED_BEFORE_CLASS, TestCluster.created());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put(CREATED_BEFORE_TEST, TestCluster.created());
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            return;
        }
        List<TestCluster> broken = new ArrayList<>();
        AssertionError first = null;
        StringBuilder message = new StringBuilder();
        for (TestCluster c : TestCluster.openCreatedAfter(createdBefore(context, CREATED_BEFORE_CLASS))) {
            if (c.invariantsSkipped()) {
                continue;
            }
            try {
                c.checkInvariants(settle);
            } catch (AssertionError e) {
                broken.add(c);
                first = first == null ? e : first;
                message.append("\n  ").append(c).append(": ").append(e.getMessage());
            }
        }
        context.getStore(NS).put(REPORTED, broken);
        if (first != null) {
            throw new AssertionError("after " + context.getDisplayName() + ", the grid's invariants are broken in "
                    + broken.size() + " cluster(s):" + message, first);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        List<TestCluster> reported = context.getStore(NS).getOrDefault(REPORTED, List.class, List.of());
        boolean failed = context.getExecutionException().isPresent();
        AssertionError first = null;
        for (TestCluster c : TestCluster.openCreatedAfter(createdBefore(context, CREATED_BEFORE_TEST))) {
            if (failed || reported.contains(c)) {
                c.skipInvariants("already failed the test"); // closing still stops its members and checks their threads
            }
            try {
                c.close();
            } catch (AssertionError e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** The mark {@code key} (looked up in this test's store, then its class's), or the test's own without one. */
    private static long createdBefore(ExtensionContext context, String key) {
        Long before = context.getStore(NS).get(key, Long.class);
        if (before == null) { // registered on the method: no beforeAll ran
            before = context.getStore(NS).get(CREATED_BEFORE_TEST, Long.class);
        }
        return before == null ? Long.MAX_VALUE : before;
    }
}
