package org.pgwarden;

import org.junit.jupiter.api.BeforeAll;

/**
 * Exemptions, audit, blockers and policies through the Java core over pgjdbc, with
 * pgwarden's tables installed from sql/schema.sql as on a server without PL/Java.
 */
class CorePolicyIT extends PolicyScenarios {

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
