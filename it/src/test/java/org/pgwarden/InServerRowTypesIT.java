package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The row types as install/install.sh creates them in the server, against their one
 * definition in the core: each column's name, type and place. Skipped, with a line saying so,
 * where PL/Java is not installed.
 */
class InServerRowTypesIT {

    @BeforeAll
    static void installPgwarden() throws Exception {
        Scripts.installInServer(TestServer.get(), "InServerRowTypesIT");
    }

    @Test
    void eachInstalledRowTypeHasItsDefinitionsColumnsInOrder() throws Exception {
        for (RowType<?> type : List.of(ActionRow.TYPE, ReportRow.TYPE, HorizonRow.TYPE)) {
            List<String> expected = new ArrayList<>();
            for (RowColumn<?> c : type.columns()) {
                expected.add(c.sqlName() + " "
                        + c.type().sql().replace("timestamptz", "timestamp with time zone"));
            }
            assertEquals(expected, installed(type.sqlName()), type.sqlName());
        }
    }

    private static List<String> installed(String type) throws Exception {
        List<String> columns = new ArrayList<>();
        try (Connection c = TestServer.get().connect();
                PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)
                FROM pg_catalog.pg_attribute AS a
                JOIN pg_catalog.pg_type AS t ON t.typrelid = a.attrelid
                WHERE t.oid = pg_catalog.to_regtype(?) AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""")) {
            ps.setString(1, "warden." + type);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
        }
        return columns;
    }
}
