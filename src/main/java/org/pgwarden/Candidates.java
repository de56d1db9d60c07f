package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads the client backends a selection targets from pg_stat_activity. */
public final class Candidates {

    private Candidates() {
    }

    /**
     * Client backends other than the caller's own that match {@code selection} and have been
     * in it longer than {@code threshold}, oldest first. Ages are measured to
     * clock_timestamp(), since now() is frozen at the start of the caller's transaction.
     */
    public static List<Candidate> select(Connection conn, Selection selection,
            Interval threshold) throws SQLException {
        List<Candidate> candidates = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(sql(selection))) {
            ps.setString(1, threshold.text());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    candidates.add(new Candidate(rs.getInt(1), rs.getLong(2), rs.getLong(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getString(8), rs.getString(9), rs.getString(10),
                            rs.getString(11), rs.getBoolean(12)));
                }
            }
        }
        return candidates;
    }

    static String sql(Selection selection) {
        String since = selection.since();
        return """
            SELECT a.pid, %s, %s,
                   a.usename, a.application_name, a.datname, host(a.client_addr),
                   a.backend_start::text, a.state, (clock_timestamp() - %s)::text,
                   left(a.query, 100),
                   %s
            FROM pg_catalog.pg_stat_activity AS a
            LEFT JOIN pg_catalog.pg_roles AS r ON r.oid = a.usesysid
            WHERE a.backend_type = 'client backend'
              AND a.pid <> pg_catalog.pg_backend_pid()
              AND %s
              AND %s < clock_timestamp() - ?::interval
            ORDER BY %s, a.pid
            """.formatted(Selection.micros("a.backend_start"), Selection.micros(since), since,
                Privileges.SIGNALLABLE, selection.statePredicate(), since, since);
    }
}
