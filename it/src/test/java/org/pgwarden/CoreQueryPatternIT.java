package org.pgwarden;

import org.junit.jupiter.api.BeforeAll;

/**
 * The query pattern scenarios through the Java core over pgjdbc, with pgwarden's tables from
 * sql/schema.sql.
 */
class CoreQueryPatternIT extends QueryPatternScenarios {

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
