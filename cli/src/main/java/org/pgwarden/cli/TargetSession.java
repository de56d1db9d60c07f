package org.pgwarden.cli;

import java.util.Arrays;
import java.util.List;

/** libpq's target_session_attrs as pgjdbc's targetServerType, one pass over the hosts each. */
final class TargetSession {

    private TargetSession() {
    }

    /**
     * The targetServerType of each pass over the hosts; null: none asked for. pgjdbc's
     * primary and secondary test transaction_read_only, as libpq's read-write and read-only
     * do; libpq's primary and standby test pg_is_in_recovery(), which differs only on a
     * primary with default_transaction_read_only on. prefer-standby is libpq's two passes:
     * the standbys first, then any server.
     */
    static List<String> serverTypes(Parameters p) throws UsageException {
        // Empty is refused below, as libpq does: never "any" in place of a PGTARGETSESSIONATTRS
        // it overrode.
        String given = p.given("target_session_attrs");
        String attrs = given == null ? "any" : given;
        return switch (attrs) {
            case "any" -> Arrays.asList((String) null);
            case "read-write", "primary" -> List.of("primary");
            case "read-only", "standby" -> List.of("secondary");
            case "prefer-standby" -> List.of("secondary", "any");
            default -> throw new UsageException("invalid target_session_attrs value \"" + attrs
                    + "\" (from " + p.source("target_session_attrs") + "; expected any,"
                    + " read-write, read-only, primary, standby or prefer-standby)");
        };
    }
}
