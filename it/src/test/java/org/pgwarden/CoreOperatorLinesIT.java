package org.pgwarden;

import org.junit.jupiter.api.BeforeAll;

/**
 * The log line scenarios through the Java core over pgjdbc, with sql/schema.sql installed as
 * a server without PL/Java takes it.
 */
class CoreOperatorLinesIT extends OperatorLinesScenarios {

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
