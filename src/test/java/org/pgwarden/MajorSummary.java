package org.pgwarden;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * One line per test JVM that started a test server: which PostgreSQL the suites ran
 * against and how they fared. The pg-matrix runs a JVM per major, and .ci/run repeats these
 * lines at the end of its output, one per major. Registered through
 * META-INF/services/org.junit.platform.launcher.TestExecutionListener.
 */
public final class MajorSummary implements TestExecutionListener {

    private long started;
    private int passed;
    private int failed;
    private int skipped;

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        started = System.nanoTime();
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        if (test.isTest()) {
            skipped++;
        }
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (!test.isTest()) {
            if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                // A suite whose @BeforeAll failed ran none of its tests.
                failed++;
            }
            return;
        }
        switch (result.getStatus()) {
            case SUCCESSFUL -> passed++;
            case ABORTED -> skipped++;
            case FAILED -> failed++;
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        String server = TestServer.startedDescription();
        if (server == null) {
            return;
        }
        System.out.printf("[pgwarden-it] summary: %s: %s, %d passed, %d failed, %d skipped,"
                + " %d s%n", server, failed == 0 ? "PASSED" : "FAILED", passed, failed, skipped,
                (System.nanoTime() - started) / 1_000_000_000L);
    }
}
