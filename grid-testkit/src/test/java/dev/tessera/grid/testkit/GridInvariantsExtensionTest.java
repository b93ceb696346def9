package dev.tessera.grid.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The extension fails a test that ends with a grid that breaks an invariant, and only that test, and closes the
 * clusters tests left open. It runs the test class below (which surefire does not run by itself: a nested class)
 * through the JUnit launcher and reads the outcome.
 */
class GridInvariantsExtensionTest {

    @Test
    void aTestThatEndsSplit_failsNamingTheInvariant_andTheClustersItLeftOpenAreClosed() {
        long before = TestCluster.created();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request().selectors(selectClass(TwoTests.class)).build(), listener);
        TestExecutionSummary summary = listener.getSummary();

        assertThat(summary.getTestsSucceededCount()).as("the test whose grid keeps its invariants").isEqualTo(1);
        assertThat(summary.getTestsFailedCount()).as("the test that ends split").isEqualTo(1);
        TestExecutionSummary.Failure failure = summary.getFailures().get(0);
        assertThat(failure.getTestIdentifier().getDisplayName()).isEqualTo("endsSplit()");
        assertThat(failure.getException()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("after endsSplit(), the grid's invariants are broken in 1 cluster(s)")
                .hasMessageContaining("the table is not stable");
        assertThat(TestCluster.created() - before).as("clusters the two tests started").isEqualTo(2);
        assertThat(TestCluster.openCreatedAfter(before)).as("left open by the tests, closed by the extension").isEmpty();
    }

    /** Run by the test above only. Neither test closes its cluster. */
    static class TwoTests {
        @RegisterExtension
        static final GridInvariantsExtension INVARIANTS = GridInvariantsExtension.settlingFor(Duration.ofSeconds(3));

        @Test
        void endsSplit() {
            TestCluster cluster = TestCluster.start(2);
            cluster.split(List.of(List.of(cluster.member(0)), List.of(cluster.member(1))));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> cluster.members().stream().allMatch(g -> g.members().size() == 1));
        }

        @Test
        void keepsItsInvariants() {
            TestCluster cluster = TestCluster.start(1);
            cluster.member(0).map("m").put("k", "v");
        }
    }
}
