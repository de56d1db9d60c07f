package org.pgwarden;

import java.util.UUID;

/**
 * One call of a SQL-facing function, as the audit log records it.
 *
 * @param id shared by every warden.action_log row the call writes
 * @param function the action function whose rules select and signal
 * @param policy the warden.policy row being applied, for enforce; else null
 */
record Run(UUID id, String function, String policy) {

    static Run of(String function) {
        return new Run(UUID.randomUUID(), function, null);
    }

    Run forPolicy(String function, String policyName) {
        return new Run(id, function, policyName);
    }
}
