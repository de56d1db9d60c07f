package org.pgwarden;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The advice column of backend_report: what enforce() would do under the enabled policies,
 * or else what cancel_long_running and reap_idle_in_tx would do, and why.
 */
final class Advice {

    private Advice() {
    }

    /**
     * @param row the backend, without advice
     * @param superuser whether the backend's role is a superuser
     * @param signallable whether the caller may signal the backend
     * @param policy the policy that applies to it, or null
     */
    static String of(ReportRow row, boolean superuser, boolean signallable,
            PolicyMatch policy) {
        String state = row.state();
        String blocks = row.blocking() == 0 ? "" : "; blocks " + row.blocking() + " session(s)";
        String waits = waiting(row.blockedBy());
        if (state == null) {
            return "none: its state is hidden from you (needs pg_read_all_stats)" + blocks;
        }
        if (row.exemption() != null) {
            return "none: exempt (" + row.exemption() + ")" + waits + blocks;
        }
        if (!signallable && !"idle".equals(state)) {
            return (superuser
                    ? "none: superuser session, only a superuser may signal it"
                    : "none: you may not signal this role's sessions (needs pg_signal_backend)")
                    + waits + blocks;
        }
        if (policy != null) {
            return byPolicy(policy, state) + waits + blocks;
        }
        return switch (state) {
            case "active" -> "cancel_long_running would cancel it with a threshold under "
                    + row.queryAge() + waits + blocks;
            case "idle in transaction", "idle in transaction (aborted)" ->
                    "reap_idle_in_tx would terminate it with a threshold under "
                    + row.stateAge() + blocks;
            case "idle" -> "none: idle" + blocks;
            default -> "none: state '" + state + "'" + blocks;
        };
    }

    private static String byPolicy(PolicyMatch policy, String state) {
        boolean cancels = Policy.LONG_RUNNING.equals(policy.kind())
                || Policy.BLOCKERS.equals(policy.kind()) && "active".equals(state);
        boolean escalates = cancels
                && (policy.escalate() || Policy.BLOCKERS.equals(policy.kind()));
        String verb = cancels ? "cancel it" : "terminate it";
        String then = escalates ? ", and terminate it if it ignores the cancel" : "";
        String when = switch (policy.kind()) {
            case Policy.IDLE_IN_TX -> "idle in transaction longer than ";
            case Policy.LONG_RUNNING -> "its query runs longer than ";
            default -> "a session waits for its lock longer than ";
        } + policy.threshold();
        String by = "enforce() policy '" + policy.name() + "' would " + verb;
        return policy.due()
                ? by + " now" + then + ": " + when
                : by + then + (then.isEmpty() ? " once " : ", once ") + when;
    }

    private static String waiting(List<Integer> blockedBy) {
        if (blockedBy.isEmpty()) {
            return "";
        }
        return "; waits for a lock held by pid " + blockedBy.stream()
                .map(String::valueOf).collect(Collectors.joining(", "));
    }
}
