package org.pgwarden;

import java.util.List;
import java.util.stream.Collectors;

/** The advice column of backend_report: what the action functions would do, and why. */
final class Advice {

    private Advice() {
    }

    /**
     * @param state pg_stat_activity.state, NULL when the caller may not see it
     * @param superuser whether the backend's role is a superuser
     * @param signallable whether the caller may signal the backend
     * @param queryAge age of the current (or last) query
     * @param stateAge time since the state last changed
     * @param blockedBy pids holding the lock this backend waits for
     * @param blocking how many reported backends wait for a lock this one holds
     */
    static String of(String state, boolean superuser, boolean signallable, String queryAge,
            String stateAge, List<Integer> blockedBy, int blocking) {
        String blocks = blocking == 0 ? "" : "; blocks " + blocking + " session(s)";
        if (state == null) {
            return "none: its state is hidden from you (needs pg_read_all_stats)" + blocks;
        }
        if (!signallable && !"idle".equals(state)) {
            return (superuser
                    ? "none: superuser session, only a superuser may signal it"
                    : "none: you may not signal this role's sessions (needs pg_signal_backend)")
                    + blocks;
        }
        return switch (state) {
            case "active" -> "cancel_long_running would cancel it with a threshold under "
                    + queryAge + waiting(blockedBy) + blocks;
            case "idle in transaction", "idle in transaction (aborted)" ->
                    "reap_idle_in_tx would terminate it with a threshold under " + stateAge
                    + blocks;
            case "idle" -> "none: idle" + blocks;
            default -> "none: state '" + state + "'" + blocks;
        };
    }

    private static String waiting(List<Integer> blockedBy) {
        if (blockedBy.isEmpty()) {
            return "";
        }
        return "; waits for a lock held by pid " + blockedBy.stream()
                .map(String::valueOf).collect(Collectors.joining(", "));
    }
}
