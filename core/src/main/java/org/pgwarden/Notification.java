package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one NOTIFY of a call that signalled or skipped a backend, so that a listener hears of
 * pgwarden's actions without polling warden.action_log. Sent in the caller's transaction after
 * the call's audit rows, so PostgreSQL delivers it at commit, with them, and a rollback
 * discards both. A dry run sends none, nor does a call whose rows are all dry runs (an
 * observing policy's).
 *
 * <p>The channel is the setting {@value #SETTING}: unset or empty, {@value #DEFAULT_CHANNEL};
 * {@value #OFF}, no notification. Not the empty string for off: PostgreSQL leaves a custom
 * setting empty, not unset, once a session has touched it (RESET, SET LOCAL after its
 * transaction, a function's SET clause), which would silently silence that session. A DBA
 * sets it with ALTER DATABASE or ALTER ROLE ... SET, or in postgresql.conf; a session may set
 * its own, which only changes whom it tells: the audit log stays the record.
 *
 * <p>Whatever could make pg_notify fail is settled before the first signal ({@link Preflight}
 * calls {@link #of}): a channel name longer than a name may be is refused (22023); the
 * payload is bounded to what pg_notify takes, dropping policy names past the limit and
 * counting them; on a hot standby, where NOTIFY cannot run during recovery, and where the
 * audit log is not installed, nothing is sent. A NOTIFY queue at least half full (where
 * PostgreSQL starts to warn) is skipped with a NOTICE rather than risk the commit, which
 * fails on a full queue and would take the audit rows of signals already sent with it. A
 * caller that then runs PREPARE TRANSACTION fails, as after any NOTIFY: pgwarden's calls
 * belong in transactions that commit.
 *
 * <p>LISTEN needs no privilege, so the payload holds no role, application, address or query:
 * a listener that may read warden.action_log finds them by run_id.
 */
final class Notification {

    /** The setting that names the channel. */
    static final String SETTING = "warden.notify_channel";
    /** The channel when the setting is unset or empty. */
    static final String DEFAULT_CHANNEL = "warden";
    /** The setting's value that turns notifications off. */
    static final String OFF = "off";

    /** A call that notifies nobody: a dry run, on a hot standby, without the audit log. */
    static final Notification NONE = new Notification(null, 0, null);

    /**
     * Columns for Preflight's look, in this order: the channel, its length in the server's
     * bytes, the longest name (NAMEDATALEN - 1), the block size, the database.
     */
    static final String COLUMNS = """
        coalesce(NULLIF(pg_catalog.current_setting('%1$s', true), ''), '%2$s'),
               pg_catalog.octet_length(coalesce(NULLIF(
                   pg_catalog.current_setting('%1$s', true), ''), '%2$s')),
               pg_catalog.current_setting('max_identifier_length')::integer,
               pg_catalog.current_setting('block_size')::integer,
               pg_catalog.current_database()::text""".formatted(SETTING, DEFAULT_CHANNEL);

    // The select list is computed only for a row that passed WHERE: no row, no NOTIFY.
    private static final String SEND = """
        SELECT pg_catalog.pg_notify(?, ?)
        FROM pg_catalog.pg_notification_queue_usage() AS q (usage)
        WHERE q.usage < 0.5
        """;

    private final String channel;
    private final int maxPayload;
    private final String database;

    private Notification(String channel, int maxPayload, String database) {
        this.channel = channel;
        this.maxPayload = maxPayload;
        this.database = database;
    }

    /**
     * The notification a call will send, from {@link #COLUMNS} at {@code column} of
     * {@code rs}; refuses (22023, naming the setting and its value) a channel name longer
     * than max_identifier_length bytes, which pg_notify would refuse after the signals.
     */
    static Notification of(Connection conn, ResultSet rs, int column) throws SQLException {
        String channel = rs.getString(column);
        int bytes = rs.getInt(column + 1);
        int maxName = rs.getInt(column + 2);
        int blockSize = rs.getInt(column + 3);
        if (channel.equals(OFF)) {
            return NONE;
        }
        if (bytes > maxName) {
            throw ServerMessages.raise(conn, SqlState.INVALID_PARAMETER_VALUE,
                    Arguments.message(SETTING, channel),
                    "A notification channel name has at most " + maxName + " bytes"
                            + " (max_identifier_length), and this one has " + bytes + ": set "
                            + SETTING + " to a shorter name, or to '" + OFF + "' for no"
                            + " notifications."
                            + " Nothing was signalled.");
        }
        // pg_notify refuses a payload of BLCKSZ - NAMEDATALEN - 128 bytes or more.
        return new Notification(channel, blockSize - (maxName + 1) - 128 - 1,
                rs.getString(column + 4));
    }

    /** The longest payload pg_notify takes here, in bytes; 0 when nothing is sent. */
    int maxPayload() {
        return maxPayload;
    }

    /**
     * Sends the call's notification, when it sends one and {@code rows} has a row that is
     * no dry run, and returns {@code rows}: what every top-level function does last.
     *
     * @param rows the call's result rows, every one of them audited
     */
    List<ActionRow> send(Connection conn, Run run, List<ActionRow> rows) throws SQLException {
        if (channel == null || rows.stream().allMatch(r -> r.outcome() == Outcome.DRY_RUN)) {
            return rows;
        }
        try (PreparedStatement ps = conn.prepareStatement(SEND)) {
            ps.setString(1, channel);
            ps.setString(2, payload(run, database, rows, maxPayload));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    String why = "the NOTIFY queue is at least half full (a listener is"
                            + " behind): a full queue would fail this commit";
                    ServerMessages.notice(conn, "pgwarden: no notification sent on channel "
                            + ServerMessages.quote(channel) + ": " + why);
                    ServerMessages.log(conn, List.of("notification not sent: run_id=" + run.id()
                            + " channel=" + ServerMessages.quote(channel)
                            + " reason=" + ServerMessages.quote(why)));
                }
            }
        }
        return rows;
    }

    /**
     * The JSON payload, in ASCII only (every other character escaped), so that its length
     * in characters is its length in bytes in any server encoding: run_id, function,
     * database, rows (how many), outcomes and actions (rows per outcome label and per
     * action), policies (those of the rows, in order) and policies_omitted (how many names
     * did not fit in {@code max} bytes).
     */
    static String payload(Run run, String database, List<ActionRow> rows, int max) {
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        Map<Action, Integer> actions = new EnumMap<>(Action.class);
        Set<String> policies = new LinkedHashSet<>();
        for (ActionRow r : rows) {
            outcomes.merge(r.outcome(), 1, Integer::sum);
            actions.merge(r.action(), 1, Integer::sum);
            if (r.policy() != null) {
                policies.add(r.policy());
            }
        }
        List<String> byOutcome = new ArrayList<>();
        outcomes.forEach((o, n) -> byOutcome.add(string(o.label()) + ":" + n));
        List<String> byAction = new ArrayList<>();
        actions.forEach((a, n) -> byAction.add(string(a.label()) + ":" + n));
        String counts = ",\"outcomes\":{" + String.join(",", byOutcome) + "},\"actions\":{"
                + String.join(",", byAction) + "}";
        String id = "{\"run_id\":" + string(run.id()) + ",\"function\":"
                + string(run.function());
        String head = id + ",\"database\":" + string(database) + ",\"rows\":" + rows.size()
                + counts + ",\"policies\":[";
        String omittedField = "],\"policies_omitted\":";
        int budget = max - head.length() - omittedField.length()
                - String.valueOf(policies.size()).length() - 1;
        if (budget < 0) {
            return id + ",\"rows\":" + rows.size() + ",\"policies_omitted\":" + policies.size()
                    + "}";
        }
        StringBuilder names = new StringBuilder();
        List<String> left = new ArrayList<>(policies);
        while (!left.isEmpty()) {
            String item = (names.length() == 0 ? "" : ",") + string(left.get(0));
            if (names.length() + item.length() > budget) {
                break;
            }
            names.append(item);
            left.remove(0);
        }
        return head + names + omittedField + left.size() + "}";
    }

    private static String string(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c >= 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
