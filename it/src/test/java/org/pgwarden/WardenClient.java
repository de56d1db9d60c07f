package org.pgwarden;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * One way of calling pgwarden: the core over pgjdbc, or the SQL functions inside the server.
 * The scenarios run through both and must see the same outcomes.
 */
interface WardenClient {

    List<ActionRow> cancelLongRunning(Connection caller, String threshold, Boolean escalate,
            String grace, Boolean dryRun) throws SQLException;

    List<ActionRow> reapIdleInTx(Connection caller, String threshold, Boolean dryRun,
            Boolean onlyBlocking) throws SQLException;

    default List<ActionRow> reapIdleInTx(Connection caller, String threshold, Boolean dryRun)
            throws SQLException {
        return reapIdleInTx(caller, threshold, dryRun, false);
    }

    List<ActionRow> endLongTransactions(Connection caller, String threshold, String grace,
            Boolean dryRun) throws SQLException;

    List<ActionRow> terminateBlockers(Connection caller, String minWait, String grace,
            Boolean dryRun) throws SQLException;

    List<ActionRow> enforce(Connection caller, Boolean dryRun) throws SQLException;

    List<ReportRow> backendReport(Connection caller, Boolean includeIdle) throws SQLException;

    List<HorizonRow> horizonReport(Connection caller) throws SQLException;

    /** Makes a login role a pgwarden operator. */
    default void grantOperator(Connection admin, String role) throws SQLException {
        try (var st = admin.createStatement()) {
            st.execute("GRANT warden_operator TO " + role);
        }
    }
}
