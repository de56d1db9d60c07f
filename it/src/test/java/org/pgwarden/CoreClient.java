package org.pgwarden;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Calls the Java core directly over the caller's pgjdbc connection. */
final class CoreClient implements WardenClient {

    @Override
    public List<ActionRow> cancelLongRunning(Connection caller, String threshold,
            Boolean escalate, String grace, Boolean dryRun) throws SQLException {
        return LongRunningCanceller.run(caller, threshold, escalate, grace, dryRun);
    }

    @Override
    public List<ActionRow> reapIdleInTx(Connection caller, String threshold, Boolean dryRun,
            Boolean onlyBlocking) throws SQLException {
        return IdleTransactionReaper.run(caller, threshold, dryRun, onlyBlocking);
    }

    @Override
    public List<ActionRow> endLongTransactions(Connection caller, String threshold,
            String grace, Boolean dryRun) throws SQLException {
        return LongTransactionEnder.run(caller, threshold, grace, dryRun);
    }

    @Override
    public List<ActionRow> terminateBlockers(Connection caller, String minWait, String grace,
            Boolean dryRun) throws SQLException {
        return BlockerTerminator.run(caller, minWait, grace, dryRun);
    }

    @Override
    public List<ActionRow> enforce(Connection caller, Boolean dryRun) throws SQLException {
        return Enforcer.run(caller, dryRun);
    }

    @Override
    public List<ReportRow> backendReport(Connection caller, Boolean includeIdle)
            throws SQLException {
        return BackendReport.run(caller, includeIdle);
    }

    @Override
    public List<HorizonRow> horizonReport(Connection caller) throws SQLException {
        return HorizonReport.run(caller);
    }
}
