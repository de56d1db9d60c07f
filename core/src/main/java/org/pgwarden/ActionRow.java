package org.pgwarden;

import java.util.List;

/**
 * One row of an action function's result: a targeted backend and what was done to it.
 * Columns and order match the SQL type {@code warden.action_row}.
 *
 * @param detail what the outcome shows besides its label ({@link Outcome#text}): the
 *     exemption's note when {@link Outcome#EXEMPT}, a prepared transaction's gid, ...
 * @param blockedCount for terminate_blockers, how many backends waited behind it
 * @param waitingPids for terminate_blockers, which
 * @param policy for enforce, the policy that selected it
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
        String detail,
        String queryPreview,
        Integer blockedCount,
        List<Integer> waitingPids,
        String policy) {

    static ActionRow of(Candidate c, Action action, Outcome outcome, String policy) {
        return new ActionRow(c.pid(), c.usename(), c.applicationName(), c.datname(),
                c.clientAddr(), c.backendStart(), c.state(), c.age(), action, outcome,
                outcome == Outcome.EXEMPT ? c.exemption() : null, c.queryPreview(),
                c.blockedCount(), c.waitingPids(), policy);
    }

    /** A row for a backend nothing was sent to, for the reason {@code detail} gives. */
    static ActionRow skipped(Candidate c, Outcome outcome, String detail, String policy) {
        return new ActionRow(c.pid(), c.usename(), c.applicationName(), c.datname(),
                c.clientAddr(), c.backendStart(), c.state(), c.age(), Action.NONE, outcome,
                detail, c.queryPreview(), c.blockedCount(), c.waitingPids(), policy);
    }

    /** The exemption's note when the outcome is {@link Outcome#EXEMPT}, else null. */
    public String exemption() {
        return outcome == Outcome.EXEMPT ? detail : null;
    }

    /** The outcome column: the outcome's label, with its detail where it has one. */
    public String outcomeText() {
        return outcome.text(detail);
    }
}
