package org.pgwarden;

import org.junit.jupiter.api.BeforeAll;

/**
 * Notifications and warden.action_summary through the Java core over pgjdbc, with
 * pgwarden's tables installed from sql/schema.sql as on a server without PL/Java.
 */
class CoreMonitoringIT extends MonitoringScenarios {

    private final CoreClient client = new CoreClient();

    @BeforeAll
    static void installSchema() throws Exception {
        TestServer.get().sql().installSchema();
    }

    @Override
    protected WardenClient client() {
        return client;
    }
}
