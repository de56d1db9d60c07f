package org.pgwarden;

import org.junit.jupiter.api.BeforeAll;

/** The standby scenarios through the Java core over pgjdbc connected to the standby. */
class CoreStandbyIT extends StandbyScenarios {

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
