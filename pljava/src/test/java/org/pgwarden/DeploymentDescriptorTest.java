package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deployment descriptor the build makes from sql/*.sql, against the rules PL/Java's
 * descriptor parser imposes and against the Java code it names: a mistake here would
 * otherwise only show when a DBA installs the jar.
 */
class DeploymentDescriptorTest {

    private final String descriptor = read();
    private final String install = group("INSTALL");
    private final String remove = group("REMOVE");

    @Test
    void commandsAvoidWhatPlJavasParserMisreads() {
        for (String group : List.of(install, remove)) {
            String code = group.replaceAll("(?s)/\\*.*?\\*/", "")
                    .replaceAll("'[^']*'", "''");
            assertFalse(code.contains("$$"), "dollar quotes are split at their semicolons");
            assertFalse(code.contains("--"), "a comment would swallow the folded command");
            assertFalse(code.contains("//"), "the parser takes // for a comment");
            assertFalse(code.contains("\""), "double quotes outside a string confuse it");
            assertFalse(group.contains("\\"), "a backslash escapes the next character");
        }
    }

    @Test
    void everyFunctionIsGrantedToOperatorsOnlyCommentedAndRemoved() {
        List<String> functions = names("CREATE FUNCTION warden\\.(\\w+)\\(", install);
        assertEquals(12, functions.size(), functions.toString());
        for (String f : functions) {
            assertTrue(install.contains("REVOKE ALL ON FUNCTION warden." + f + "("), f);
            assertTrue(install.contains("GRANT EXECUTE ON FUNCTION warden." + f + "("), f);
            assertTrue(install.contains("COMMENT ON FUNCTION warden." + f + "("), f);
            assertTrue(remove.contains("DROP FUNCTION IF EXISTS warden." + f + "("), f);
        }
        for (String type : names("CREATE TYPE warden\\.(\\w+) ", install)) {
            assertTrue(remove.contains("DROP TYPE IF EXISTS warden." + type + ";"), type);
        }
    }

    @Test
    void everyJavaFunctionNamesAPublicStaticMethodReturningText() throws Exception {
        Matcher m = Pattern.compile("AS '([\\w.]+)\\.(\\w+)\\(([\\w.,]*)\\)'").matcher(install);
        int found = 0;
        while (m.find()) {
            List<Class<?>> parameters = new ArrayList<>();
            for (String type : m.group(3).split(",")) {
                parameters.add(Class.forName(type));
            }
            Method method = Class.forName(m.group(1))
                    .getMethod(m.group(2), parameters.toArray(new Class<?>[0]));
            assertTrue(Modifier.isStatic(method.getModifiers()), method.toString());
            assertEquals(String.class, method.getReturnType(), method.toString());
            found++;
        }
        assertEquals(5, found);
    }

    @Test
    void purgingTheAuditLogIsForTheOwnerOnly() {
        assertTrue(install.contains("REVOKE ALL ON FUNCTION warden.purge_log(interval) FROM"));
        assertFalse(install.contains("GRANT EXECUTE ON FUNCTION warden.purge_log"));
        assertFalse(remove.contains("DROP TABLE"), "an upgrade must keep the operator's data");
    }

    @Test
    void theRowTypesHaveTheColumnsTheJsonCarriesInTheSameOrder() {
        ActionRow action = new ActionRow(1, "u", "a", "d", null, "s", "idle", "1s",
                Action.NONE, Outcome.GONE, null, "q", null, null, null);
        assertEquals(columns("action_row"), keys(Json.actionRows(List.of(action))));
        ReportRow report = new ReportRow(1, "d", "u", "a", null, "client backend", "idle",
                null, null, "s", "1s", null, null, "1s", "1s", List.of(), 0, null, "q",
                "none: idle");
        assertEquals(columns("backend_row"), keys(Json.reportRows(List.of(report))));
    }

    private List<String> columns(String type) {
        Matcher m = Pattern.compile("CREATE TYPE warden\\." + type + " AS \\((.*?)\\);",
                Pattern.DOTALL).matcher(install);
        assertTrue(m.find(), type);
        List<String> columns = new ArrayList<>();
        for (String column : m.group(1).split(",")) {
            columns.add(column.trim().split("\\s+")[0]);
        }
        return columns;
    }

    private static List<String> keys(String json) {
        return names("\"(\\w+)\":", json);
    }

    private static List<String> names(String regex, String text) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private String group(String kind) {
        int start = descriptor.indexOf("\"BEGIN " + kind);
        int end = descriptor.indexOf("END " + kind + "\"");
        assertTrue(start >= 0 && end > start, kind + " group");
        return descriptor.substring(start + 1, end);
    }

    private static String read() {
        try {
            return Files.readString(Paths.get("target", "classes", "pgwarden.ddr"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
