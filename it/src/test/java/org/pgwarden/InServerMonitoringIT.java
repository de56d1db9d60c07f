package org.pgwarden;

import org.junit.jupiter.api.BeforeAll;

/**
 * Notifications and warden.action_summary through the warden SQL functions inside the
 * server. Skipped, with a line saying so, where PL/Java is not installed.
 */
class InServerMonitoringIT extends MonitoringScenarios {

    private final SqlClient client = new SqlClient();

    @BeforeAll
    static void installPgwarden() throws Exception {
        Scripts.installInServer(TestServer.get(), "InServerMonitoringIT");
    }

    @Override
    protected WardenClient client() {
        return client;
    }
}
