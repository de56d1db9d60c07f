package org.pgwarden;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Calls the Java core directly over the caller's pgjdbc connection. */
final class CoreClient implements WardenClient {

    @Override
    public List<ActionRow> cancelLongRunning(Connection caller, String threshold,
            Boolean escalate, String grace, Boolean dryRun) throws SQLException {
        return LongRunningCanceller.run(caller, threshold,
                Arguments.flag(caller, "escalate", escalate), grace,
                Arguments.flag(caller, "dry_run", dryRun));
    }

    @Override
    public List<ActionRow> reapIdleInTx(Connection caller, String threshold, Boolean dryRun)
            throws SQLException {
        return IdleTransactionReaper.run(caller, threshold,
                Arguments.flag(caller, "dry_run", dryRun));
    }

    @Override
    public List<ReportRow> backendReport(Connection caller, Boolean includeIdle)
            throws SQLException {
        return BackendReport.run(caller, Arguments.flag(caller, "include_idle", includeIdle));
    }

    @Override
    public void grantOperator(Connection admin, String role) throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute("GRANT pg_signal_backend, pg_read_all_stats TO " + role);
        }
    }
}
