package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The advice column of backend_report, case by case: the report's own SQL expression,
 * evaluated by the server over rows made up for each case, since a live backend in each of
 * these situations (another superuser's, a hidden one, one matched by a due blockers
 * policy, ...) would take a scenario each.
 */
class ReportAdviceIT {

    private static final String EVALUATE = """
        SELECT %s
        FROM (SELECT ?::text AS state, ?::text AS exemption, ?::boolean AS signallable,
                     ?::boolean AS superuser, ?::integer[] AS blocked_by,
                     ?::integer AS blocking, ?::interval AS query_age,
                     ?::interval AS state_age, ?::text AS policy_name,
                     ?::text AS policy_kind, ?::interval AS policy_threshold,
                     ?::boolean AS policy_escalate, ?::boolean AS policy_due,
                     ?::text AS waits_for_prepared,
                     ARRAY['watch'] AS observes) AS r
        """.formatted(BackendReport.ADVICE);

    private static Connection conn;

    @BeforeAll
    static void connect() throws SQLException {
        conn = TestServer.get().connect();
    }

    @AfterAll
    static void close() throws SQLException {
        conn.close();
    }

    /** A backend the caller may signal, matched by no policy. */
    private static Case backend(String state) {
        return new Case(state, null, true, false, "{}", 0, "00:03:00", "00:05:00", null, null,
                null, false, false, null);
    }

    private record Case(String state, String exemption, boolean signallable, boolean superuser,
            String blockedBy, int blocking, String queryAge, String stateAge, String policy,
            String kind, String threshold, boolean escalate, boolean due,
            String waitsForPrepared) {

        Case blockedBy(String pids) {
            return new Case(state, exemption, signallable, superuser, pids, blocking, queryAge,
                    stateAge, policy, kind, threshold, escalate, due,
                    waitsForPrepared);
        }

        Case blocking(int count) {
            return new Case(state, exemption, signallable, superuser, blockedBy, count,
                    queryAge, stateAge, policy, kind, threshold, escalate, due,
                    waitsForPrepared);
        }

        Case exempt(String note) {
            return new Case(state, note, signallable, superuser, blockedBy, blocking, queryAge,
                    stateAge, policy, kind, threshold, escalate, due,
                    waitsForPrepared);
        }

        Case notSignallable(boolean ofSuperuser) {
            return new Case(state, exemption, false, ofSuperuser, blockedBy, blocking,
                    queryAge, stateAge, policy, kind, threshold, escalate, due,
                    waitsForPrepared);
        }

        Case waitingForPrepared(String text) {
            return new Case(state, exemption, signallable, superuser, blockedBy, blocking,
                    queryAge, stateAge, policy, kind, threshold, escalate, due, text);
        }

        Case policy(String name, String policyKind, String after, boolean escalates,
                boolean isDue) {
            return new Case(state, exemption, signallable, superuser, blockedBy, blocking,
                    queryAge, stateAge, name, policyKind, after, escalates, isDue,
                    waitsForPrepared);
        }

        String advice() throws SQLException {
            try (PreparedStatement ps = conn.prepareStatement(EVALUATE)) {
                Object[] values = {state, exemption, signallable, superuser, blockedBy,
                    blocking, queryAge, stateAge, policy, kind, threshold, escalate, due,
                    waitsForPrepared};
                for (int i = 0; i < values.length; i++) {
                    ps.setObject(i + 1, values[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        }
    }

    @Test
    void anActiveQueryNamesTheThresholdThatWouldCancelIt() throws SQLException {
        assertEquals("cancel_long_running would cancel it with a threshold under 00:03:00",
                backend("active").advice());
    }

    @Test
    void aLockWaiterNamesItsBlockersAndABlockerCountsItsWaiters() throws SQLException {
        assertEquals("cancel_long_running would cancel it with a threshold under 00:03:00;"
                + " waits for a lock held by pid 11, 12",
                backend("active").blockedBy("{11,12}").advice());
        assertEquals("reap_idle_in_tx would terminate it with a threshold under 00:05:00;"
                + " blocks 2 session(s)",
                backend("idle in transaction").blocking(2).advice());
    }

    @Test
    void aWaiterBehindAPreparedTransactionIsToldHowToEndIt() throws SQLException {
        String prepared = "; waits for prepared transaction 'tx' (owner alice, database app,"
                + " prepared 00:05:00 ago): ROLLBACK PREPARED 'tx' or COMMIT PREPARED"
                + " releases it";
        assertEquals("cancel_long_running would cancel it with a threshold under 00:03:00"
                + prepared,
                backend("active").blockedBy("{0}").waitingForPrepared(prepared).advice());
        assertEquals("cancel_long_running would cancel it with a threshold under 00:03:00;"
                + " waits for a lock held by pid 12" + prepared,
                backend("active").blockedBy("{0,12}").waitingForPrepared(prepared).advice());
        assertEquals("cancel_long_running would cancel it with a threshold under 00:03:00;"
                + " waits for a lock held by a prepared transaction (see pg_prepared_xacts)",
                backend("active").blockedBy("{0}").advice());
    }

    @Test
    void whatTheCallerMayNotSignalOrSeeIsSaidSo() throws SQLException {
        assertEquals("none: superuser session, only a superuser may signal it",
                backend("active").notSignallable(true).advice());
        assertEquals("none: you may not signal this role's sessions (needs pg_signal_backend)",
                backend("idle in transaction (aborted)").notSignallable(false).advice());
        assertEquals("none: its state is hidden from you (needs pg_read_all_stats)",
                backend(null).advice());
    }

    @Test
    void anExemptionWinsOverEverything() throws SQLException {
        assertEquals("none: exempt (backup: pg_dump); blocks 1 session(s)",
                backend("idle in transaction").blocking(1).exempt("backup: pg_dump")
                        .policy("idle", PolicyKind.IDLE_IN_TX.sql(),
                                "00:05:00", false, true).advice());
    }

    @Test
    void aMatchingPolicySaysWhatEnforceWouldDoAndWhen() throws SQLException {
        assertEquals("enforce() policy 'idle' would terminate it now: idle in transaction"
                + " longer than 00:05:00",
                backend("idle in transaction")
                        .policy("idle", PolicyKind.IDLE_IN_TX.sql(),
                                "00:05:00", false, true).advice());
        assertEquals("enforce() policy 'slow' would cancel it, and terminate it if it ignores"
                + " the cancel, once its query runs longer than 01:00:00",
                backend("active")
                        .policy("slow", PolicyKind.LONG_RUNNING.sql(),
                                "01:00:00", true, false).advice());
        assertEquals("enforce() policy 'slow' would cancel it once its query runs longer than"
                + " 01:00:00",
                backend("active")
                        .policy("slow", PolicyKind.LONG_RUNNING.sql(), "01:00:00", false, false)
                        .advice());
        assertEquals("enforce() policy 'roots' would terminate it now: a session waits for"
                + " its lock longer than 00:00:30; blocks 3 session(s)",
                backend("idle").blocking(3)
                        .policy("roots", PolicyKind.BLOCKERS.sql(),
                                "00:00:30", false, true).advice());
        assertEquals("enforce() policy 'roots' would cancel it now, and terminate it if it"
                + " ignores the cancel: a session waits for its lock longer than 00:00:30;"
                + " blocks 1 session(s)",
                backend("active").blocking(1)
                        .policy("roots", PolicyKind.BLOCKERS.sql(),
                                "00:00:30", false, true).advice());
    }

    @Test
    void aPolicyThatOnlyObservesIsSaidToObserve() throws SQLException {
        // The policy named watch is in mode observe (EVALUATE).
        assertEquals("enforce() policy 'watch' would cancel it now: its query runs longer"
                + " than 00:01:00; it only observes: enforce() signals nothing and logs a dry"
                + " run; blocks 1 session(s)",
                backend("active").blocking(1)
                        .policy("watch", PolicyKind.LONG_RUNNING.sql(), "00:01:00", false, true)
                        .advice());
    }

    @Test
    void idleAndOtherStatesAreLeftAlone() throws SQLException {
        assertEquals("none: idle", backend("idle").notSignallable(false).advice());
        assertEquals("none: state 'fastpath function call'",
                backend("fastpath function call").advice());
    }
}
