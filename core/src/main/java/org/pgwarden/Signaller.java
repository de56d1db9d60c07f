package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Sends pg_cancel_backend or pg_terminate_backend to selected backends only if each is still
 * the one selected, and logs every signal sent.
 */
final class Signaller {

    private final Connection conn;
    private final String function;

    /**
     * @param function the SQL function on whose behalf signals are sent, for the log
     */
    Signaller(Connection conn, String function) {
        this.conn = conn;
        this.function = function;
    }

    /**
     * Sends {@code action} to each of {@code targets} for which a client backend with the
     * same pid, backend_start and query_start, state_change or xact_start (whichever the
     * selection measures, {@link Selection#since}) is still in the selected state,
     * and returns those targets; the others are gone or have moved on and were sent nothing.
     * Each signal's server log line is written before the signal is sent: a call cancelled
     * between the two leaves a line and no signal, never a signal and no line.
     *
     * <p>pg_stat_activity is read once per transaction and then cached, and inside PL/Java
     * the whole call is one transaction: so the snapshot is cleared first, and the identity
     * checks and the signals of one kind of selection happen in one statement, on one fresh
     * snapshot, microseconds apart. A backend that moves on between its line and its
     * signal gets a second line saying nothing was sent.
     */
    List<Candidate> send(Action action, List<Candidate> targets,
            Function<Candidate, String> reason) throws SQLException {
        if (targets.isEmpty()) {
            return List.of();
        }
        Set<Integer> still = signal(null, targets);
        List<Candidate> due = targets.stream().filter(c -> still.contains(c.pid())).toList();
        ServerMessages.log(conn, due.stream()
                .map(c -> line(action, c, reason.apply(c))).toList());
        Set<Integer> signalled = signal(action, due);
        List<Candidate> sent = new ArrayList<>();
        List<String> notSent = new ArrayList<>();
        for (Candidate target : due) {
            if (signalled.contains(target.pid())) {
                sent.add(target);
            } else {
                notSent.add(line(Action.NONE, target,
                        "not sent: it moved on after the line above was written"));
            }
        }
        ServerMessages.log(conn, notSent);
        return sent;
    }

    /**
     * Sends {@code action} to those of {@code targets} still as selected, or with a null
     * {@code action} only checks which are, and returns their pids.
     */
    private Set<Integer> signal(Action action, List<Candidate> targets) throws SQLException {
        Map<Selection, List<Candidate>> bySelection = new LinkedHashMap<>();
        for (Candidate target : targets) {
            bySelection.computeIfAbsent(target.selection(), s -> new ArrayList<>()).add(target);
        }
        Activity.clearSnapshot(conn);
        Set<Integer> signalled = new HashSet<>();
        for (Map.Entry<Selection, List<Candidate>> group : bySelection.entrySet()) {
            signalled.addAll(signal(action, group.getKey(), group.getValue()));
        }
        return signalled;
    }

    private Set<Integer> signal(Action action, Selection selection, List<Candidate> group)
            throws SQLException {
        Set<Integer> signalled = new HashSet<>();
        try (PreparedStatement ps = conn.prepareStatement(sql(action, selection))) {
            ps.setString(1, arrayLiteral(group, c -> (long) c.pid()));
            ps.setString(2, arrayLiteral(group, Candidate::backendStartMicros));
            ps.setString(3, arrayLiteral(group, Candidate::sinceMicros));
            // The signal functions run only as the rows are fetched: they must be read.
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean(2)) {
                        signalled.add(rs.getInt(1));
                    }
                }
            }
        }
        return signalled;
    }

    /** The identity check and, unless {@code action} is null, the signal, in one statement. */
    static String sql(Action action, Selection selection) {
        String signal = action == null ? "true" : "pg_catalog." + action.function() + "(a.pid)";
        return """
            SELECT a.pid, %s
            FROM unnest(?::integer[], ?::bigint[], ?::bigint[]) AS t (pid, backend_start, since)
            JOIN pg_catalog.pg_stat_activity AS a ON a.pid = t.pid
            WHERE %s = t.backend_start
              AND %s = t.since
              AND a.backend_type = 'client backend'
              AND %s
            """.formatted(signal, Selection.micros("a.backend_start"),
                Selection.micros(selection.since()), selection.statePredicate());
    }

    /** An array literal of whole numbers, bound as a value and cast in SQL. */
    private static String arrayLiteral(List<Candidate> group, Function<Candidate, Long> value) {
        return group.stream().map(c -> value.apply(c).toString())
                .collect(Collectors.joining(",", "{", "}"));
    }

    private String line(Action action, Candidate target, String reason) {
        return action.label() + " pid=" + target.pid()
                + " user=" + ServerMessages.quote(target.usename())
                + " application=" + ServerMessages.quote(target.applicationName())
                + " database=" + ServerMessages.quote(target.datname())
                + " function=" + function
                + " reason=" + ServerMessages.quote(reason);
    }
}
