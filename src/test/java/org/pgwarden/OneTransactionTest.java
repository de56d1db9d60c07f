package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class OneTransactionTest {

    @Test
    void theErrorOfTheWorkIsThrownWhenTheConnectionIsClosedUnderIt() {
        SQLException terminated = new SQLException("FATAL: terminating connection due to"
                + " administrator command", "57P01");
        Connection conn = closedAfterTheWork();

        SQLException thrown = assertThrows(SQLException.class, () -> OneTransaction.run(conn,
                () -> {
                    throw terminated;
                }));

        assertSame(terminated, thrown);
        // The rollback's and the return to autocommit's failures are kept, not lost.
        assertEquals(2, thrown.getSuppressed().length);
    }

    /** A connection in autocommit whose every call after the first statement fails. */
    private static Connection closedAfterTheWork() {
        boolean[] autoCommit = {true};
        Statement statement = (Statement) Proxy.newProxyInstance(
                OneTransactionTest.class.getClassLoader(), new Class<?>[] {Statement.class},
                (proxy, method, args) -> method.getName().equals("execute") ? false : null);
        return (Connection) Proxy.newProxyInstance(OneTransactionTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getAutoCommit" -> {
                            return autoCommit[0];
                        }
                        case "createStatement" -> {
                            return statement;
                        }
                        case "setAutoCommit" -> {
                            if ((Boolean) args[0]) {
                                throw new SQLException("This connection has been closed.",
                                        "08003");
                            }
                            autoCommit[0] = false;
                            return null;
                        }
                        case "rollback" -> throw new SQLException(
                                "This connection has been closed.", "08003");
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
