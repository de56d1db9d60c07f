package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, demo/quickstart.sh, run as a person runs it (with the jars
 * this build made, --no-build): its own throwaway cluster, the problem sessions, pgwarden
 * acting on them, and nothing left behind. Through the SQL functions where PL/Java is
 * installed, else, and always with --client, through the client-side runner.
 */
class QuickstartIT {

    private static final Path BASEDIR = Paths.get(System.getProperty("pgwarden.basedir", "."));

    /** What every run must show the problem sessions printed. */
    private static final List<String> SESSIONS_SAW = List.of(
            "    batch-job  FATAL:  terminating connection due to administrator command",
            "    web        got the lock, counted 0",
            "    report     ERROR:  canceling statement due to user request",
            "    stubborn   FATAL:  terminating connection due to administrator command");

    @Test
    void theQuickstartShowsPgwardenActingOnRealProblemSessions() throws Exception {
        boolean plJava = hasPlJava();

        String output = quickstart("--no-build");

        assertTrue(output.contains("==> started a throwaway cluster ("
                + ServerBinaries.findBindir() + ")"), output);
        if (plJava) {
            assertTrue(output.contains("pgwarden installed in database postgres"), output);
            assertTrue(output.contains("FROM warden.reap_idle_in_tx('1 second');"), output);
        } else {
            System.out.println("[pgwarden-it] QuickstartIT: PL/Java is not installed; the"
                    + " quickstart showed the client-side runner");
            assertTrue(output.contains("==> PL/Java is not installed in this PostgreSQL"),
                    output);
        }
        assertActedOnTheSessions(output);
    }

    @Test
    void withClientTheQuickstartShowsTheRunner() throws Exception {
        String output = quickstart("--no-build", "--client");

        assertTrue(output.contains("$ java -jar target/pgwarden-cli.jar cancel --threshold"
                + " '1 second' --escalate --grace '2 seconds'"), output);
        assertTrue(output.contains("pgwarden: waiting up to 2 seconds for cancelled queries"),
                output);
        assertFalse(output.contains("install.sh"), output);
        assertTrue(output.contains("==> started a throwaway cluster ("
                + ServerBinaries.findBindir() + ")"), output);
        assertActedOnTheSessions(output);
    }

    private static void assertActedOnTheSessions(String output) {
        for (String row : List.of("batch-job .* terminate +\\| terminated",
                "stubborn .* terminate +\\| terminated", "report .* cancel +\\| cancelled")) {
            assertTrue(Pattern.compile(row).matcher(output).find(), row + " in\n" + output);
        }
        assertTrue(output.contains("==> nothing left to do"), output);
        assertTrue(output.contains("(0 rows)"), output);
        for (String line : SESSIONS_SAW) {
            assertTrue(output.contains(line), line + " in\n" + output);
        }
        assertTrue(output.endsWith("==> done: cleaning up\n"), output);
        assertFalse(Files.exists(BASEDIR.resolve("target/quickstart")),
                "the throwaway cluster's directory is still there");
    }

    private static String quickstart(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash",
                BASEDIR.resolve("demo/quickstart.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        // It must start its own cluster, whatever this machine's PG* variables say, from
        // the server binaries the other suites use (PGWARDEN_PG_BINDIR names a major of the
        // matrix).
        pb.environment().keySet().removeIf(name -> name.startsWith("PG"));
        pb.environment().put("PGWARDEN_PG_BINDIR", ServerBinaries.findBindir().toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the quickstart did not finish in 180 s:\n" + output);
        }
        assertEquals(0, p.exitValue(), output);
        return output;
    }

    /**
     * Whether the quickstart's cluster offers PL/Java: the test server comes from the same
     * server binaries, and pg_available_extensions is what the quickstart asks too.
     */
    private static boolean hasPlJava() throws Exception {
        return TestServer.get().sql().hasPlJava();
    }
}
