package org.pgwarden;

/**
 * One row of an action function's result: a targeted backend and what was done to it.
 * Columns and order match the SQL type {@code warden.action_row}.
 */
public record ActionRow(
        int pid,
        String usename,
        String applicationName,
        String datname,
        String clientAddr,
        String backendStart,
        String state,
        String age,
        Action action,
        Outcome outcome,
        String queryPreview) {

    static ActionRow of(Candidate c, Action action, Outcome outcome) {
        return new ActionRow(c.pid(), c.usename(), c.applicationName(), c.datname(),
                c.clientAddr(), c.backendStart(), c.state(), c.age(), action, outcome,
                c.queryPreview());
    }
}
