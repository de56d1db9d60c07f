package org.pgwarden;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * One way of calling pgwarden: the core over pgjdbc, or the SQL functions inside the server.
 * The scenarios run through both and must see the same outcomes.
 *
 * <p>The functions' boolean arguments are passed as the small enums below, so that a call
 * says which one it sets: {@code cancelLongRunning(caller, "50 milliseconds", ESCALATE,
 * "5 seconds", FOR_REAL)}. A null one is SQL NULL, which the functions refuse.
 */
interface WardenClient {

    /** A boolean argument of a pgwarden function. */
    interface Flag {
        boolean on();

        /** The argument as the functions take it: null stays null (SQL NULL). */
        static Boolean value(Flag flag) {
            return flag == null ? null : flag.on();
        }
    }

    /** dry_run: report what would be done and signal nothing, or act. */
    enum DryRun implements Flag {
        DRY_RUN, FOR_REAL;

        @Override
        public boolean on() {
            return this == DRY_RUN;
        }
    }

    /** escalate: terminate a backend that ignores the cancel for the grace period. */
    enum Escalation implements Flag {
        ESCALATE, CANCEL_ONLY;

        @Override
        public boolean on() {
            return this == ESCALATE;
        }
    }

    /** only_blocking: reap only the idle transactions another session waits for. */
    enum Blocking implements Flag {
        ONLY_BLOCKING, BLOCKING_OR_NOT;

        @Override
        public boolean on() {
            return this == ONLY_BLOCKING;
        }
    }

    /** include_idle: whether backend_report lists idle sessions too. */
    enum Idle implements Flag {
        INCLUDE_IDLE, EXCLUDE_IDLE;

        @Override
        public boolean on() {
            return this == INCLUDE_IDLE;
        }
    }

    List<ActionRow> cancelLongRunning(Connection caller, String threshold, Escalation escalate,
            String grace, DryRun dryRun) throws SQLException;

    List<ActionRow> reapIdleInTx(Connection caller, String threshold, DryRun dryRun,
            Blocking onlyBlocking) throws SQLException;

    default List<ActionRow> reapIdleInTx(Connection caller, String threshold, DryRun dryRun)
            throws SQLException {
        return reapIdleInTx(caller, threshold, dryRun, Blocking.BLOCKING_OR_NOT);
    }

    List<ActionRow> endLongTransactions(Connection caller, String threshold, String grace,
            DryRun dryRun) throws SQLException;

    List<ActionRow> terminateBlockers(Connection caller, String minWait, String grace,
            DryRun dryRun) throws SQLException;

    List<ActionRow> enforce(Connection caller, DryRun dryRun) throws SQLException;

    List<ReportRow> backendReport(Connection caller, Idle includeIdle) throws SQLException;

    List<HorizonRow> horizonReport(Connection caller) throws SQLException;

    /** Makes a login role a pgwarden operator. */
    default void grantOperator(Connection admin, String role) throws SQLException {
        try (var st = admin.createStatement()) {
            st.execute("GRANT warden_operator TO " + role);
        }
    }
}
