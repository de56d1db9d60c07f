package org.pgwarden;

import static org.pgwarden.WardenClient.Flag.value;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Calls the Java core directly over the caller's pgjdbc connection. */
final class CoreClient implements WardenClient {

    @Override
    public List<ActionRow> cancelLongRunning(Connection caller, String threshold,
            Escalation escalate, String grace, DryRun dryRun) throws SQLException {
        return LongRunningCanceller.run(caller, threshold, value(escalate), grace,
                value(dryRun));
    }

    @Override
    public List<ActionRow> reapIdleInTx(Connection caller, String threshold, DryRun dryRun,
            Blocking onlyBlocking) throws SQLException {
        return IdleTransactionReaper.run(caller, threshold, value(dryRun),
                value(onlyBlocking));
    }

    @Override
    public List<ActionRow> endLongTransactions(Connection caller, String threshold,
            String grace, DryRun dryRun) throws SQLException {
        return LongTransactionEnder.run(caller, threshold, grace, value(dryRun));
    }

    @Override
    public List<ActionRow> terminateBlockers(Connection caller, String minWait, String grace,
            DryRun dryRun) throws SQLException {
        return BlockerTerminator.run(caller, minWait, grace, value(dryRun));
    }

    @Override
    public List<ActionRow> enforce(Connection caller, DryRun dryRun) throws SQLException {
        return Enforcer.run(caller, value(dryRun));
    }

    @Override
    public List<ReportRow> backendReport(Connection caller, Idle includeIdle)
            throws SQLException {
        return BackendReport.run(caller, value(includeIdle));
    }

    @Override
    public List<HorizonRow> horizonReport(Connection caller) throws SQLException {
        return HorizonReport.run(caller);
    }
}
