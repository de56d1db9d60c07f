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

    List<ActionRow> reapIdleInTx(Connection caller, String threshold, Boolean dryRun)
            throws SQLException;

    List<ReportRow> backendReport(Connection caller, Boolean includeIdle) throws SQLException;

    /** Gives a login role what an operator needs to use this client on others' sessions. */
    void grantOperator(Connection admin, String role) throws SQLException;
}
