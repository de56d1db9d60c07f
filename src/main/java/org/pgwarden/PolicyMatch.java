package org.pgwarden;

/**
 * The enabled policy enforce() would apply to a backend: the first, in enforce()'s order,
 * whose kind fits the backend's state and whose filters match it.
 *
 * @param name the policy's name
 * @param kind idle_in_tx, long_running or blockers
 * @param threshold its threshold in the server's text form
 * @param escalate whether a long_running policy terminates what ignores its cancel
 * @param due whether the backend is past the threshold now
 */
record PolicyMatch(String name, String kind, String threshold, boolean escalate,
        boolean due) {
}
