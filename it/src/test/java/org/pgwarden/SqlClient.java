package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** Calls the warden SQL functions, which run the core inside the server through PL/Java. */
final class SqlClient implements WardenClient {

    @Override
    public List<ActionRow> cancelLongRunning(Connection caller, String threshold,
            Escalation escalate, String grace, DryRun dryRun) throws SQLException {
        try (PreparedStatement ps = caller.prepareStatement(
                "SELECT * FROM warden.cancel_long_running(?::interval, ?, ?::interval, ?)")) {
            ps.setString(1, threshold);
            setBoolean(ps, 2, escalate);
            ps.setString(3, grace);
            setBoolean(ps, 4, dryRun);
            return actionRows(ps);
        }
    }

    @Override
    public List<ActionRow> reapIdleInTx(Connection caller, String threshold, DryRun dryRun,
            Blocking onlyBlocking) throws SQLException {
        try (PreparedStatement ps = caller.prepareStatement(
                "SELECT * FROM warden.reap_idle_in_tx(?::interval, ?, ?)")) {
            ps.setString(1, threshold);
            setBoolean(ps, 2, dryRun);
            setBoolean(ps, 3, onlyBlocking);
            return actionRows(ps);
        }
    }

    @Override
    public List<ActionRow> endLongTransactions(Connection caller, String threshold,
            String grace, DryRun dryRun) throws SQLException {
        try (PreparedStatement ps = caller.prepareStatement(
                "SELECT * FROM warden.end_long_transactions(?::interval, ?::interval, ?)")) {
            ps.setString(1, threshold);
            ps.setString(2, grace);
            setBoolean(ps, 3, dryRun);
            return actionRows(ps);
        }
    }

    @Override
    public List<ActionRow> terminateBlockers(Connection caller, String minWait, String grace,
            DryRun dryRun) throws SQLException {
        try (PreparedStatement ps = caller.prepareStatement(
                "SELECT * FROM warden.terminate_blockers(?::interval, ?::interval, ?)")) {
            ps.setString(1, minWait);
            ps.setString(2, grace);
            setBoolean(ps, 3, dryRun);
            return actionRows(ps);
        }
    }

    @Override
    public List<ActionRow> enforce(Connection caller, DryRun dryRun) throws SQLException {
        try (PreparedStatement ps = caller.prepareStatement(
                "SELECT * FROM warden.enforce(?)")) {
            setBoolean(ps, 1, dryRun);
            return actionRows(ps);
        }
    }

    @Override
    public List<ReportRow> backendReport(Connection caller, Idle includeIdle)
            throws SQLException {
        List<ReportRow> rows = new ArrayList<>();
        try (PreparedStatement ps = caller.prepareStatement(
                "SELECT * FROM warden.backend_report(?)")) {
            setBoolean(ps, 1, includeIdle);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(ReportRow.read(rs));
                }
            }
        }
        return rows;
    }

    @Override
    public List<HorizonRow> horizonReport(Connection caller) throws SQLException {
        List<HorizonRow> rows = new ArrayList<>();
        try (PreparedStatement ps = caller.prepareStatement(
                "SELECT * FROM warden.horizon_report()");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(HorizonRow.read(rs));
            }
        }
        return rows;
    }

    private static List<ActionRow> actionRows(PreparedStatement ps) throws SQLException {
        List<ActionRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(ActionRow.read(rs));
            }
        }
        return rows;
    }

    private static void setBoolean(PreparedStatement ps, int index, Flag flag)
            throws SQLException {
        if (flag == null) {
            ps.setNull(index, Types.BOOLEAN);
        } else {
            ps.setBoolean(index, flag.on());
        }
    }
}
