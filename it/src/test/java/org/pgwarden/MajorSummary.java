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
    private TestPlan plan;
    private int passed;
    private int failed;
    private int skipped;
    private long notRun;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        started = System.nanoTime();
        plan = testPlan;
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        if (test.isTest()) {
            skipped++;
        } else {
            notRun += tests(test);
        }
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (!test.isTest()) {
            if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                // A suite whose @BeforeAll failed ran none of its tests.
                failed++;
            } else if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                // A suite that skipped itself (no PL/Java, no pg_cron): its tests never ran,
                // and the line must not hide how many.
                notRun += tests(test);
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
        // A run in which nothing passed proves nothing, whatever else it says.
        boolean ok = failed == 0 && passed > 0;
        System.out.printf("[pgwarden-it] summary: %s: %s, %d passed, %d failed, %d skipped,"
                + " %d not run (suites that skipped themselves), %d s%n", server,
                ok ? "PASSED" : "FAILED", passed, failed, skipped, notRun,
                (System.nanoTime() - started) / 1_000_000_000L);
    }

    private long tests(TestIdentifier container) {
        return plan == null ? 0 : plan.getDescendants(container).stream()
                .filter(TestIdentifier::isTest).count();
    }
}
