package org.pgwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the project's install scripts against the test server, as an operator would. */
final class Scripts {

    /** What a script printed, and how it exited. */
    record Result(int exitCode, String output) {
    }

    private Scripts() {
    }

    /** What a script printed on standard output and on standard error, and its exit. */
    record Streams(int exitCode, String output, String errors) {
    }

    static Result run(TestServer server, String script, String... args)
            throws IOException, InterruptedException {
        Process p = builder(server, script, args).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(script + " did not finish in 120 s:\n" + output);
        }
        return new Result(p.exitValue(), output);
    }

    /** As {@link #run}, with standard error apart from standard output. */
    static Streams runApart(TestServer server, String script, String... args)
            throws IOException, InterruptedException {
        Path errors = Files.createTempFile("pgwarden-script", ".err");
        try {
            Process p = builder(server, script, args)
                    .redirectError(ProcessBuilder.Redirect.to(errors.toFile())).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(script + " did not finish in 120 s:\n" + output);
            }
            return new Streams(p.exitValue(), output, Files.readString(errors));
        } finally {
            Files.delete(errors);
        }
    }

    private static ProcessBuilder builder(TestServer server, String script, String... args) {
        Path basedir = Paths.get(System.getProperty("pgwarden.basedir", "."));
        List<String> command = new ArrayList<>(List.of("bash",
                basedir.resolve(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(server.libpqEnvironment());
        pb.environment().put("PGWARDEN_JAR", System.getProperty("pgwarden.jar",
                basedir.resolve("target/pgwarden.jar").toString()));
        return pb;
    }

    /**
     * Installs pgwarden for an in-server suite, or skips the suite, saying so in a line of
     * its own, where the server has no PL/Java.
     */
    static void installInServer(TestServer server, String suite) throws Exception {
        if (!server.sql().hasPlJava()) {
            System.out.println("[pgwarden-it] SKIPPED the in-server suite (" + suite + "):"
                    + " PL/Java is not installed in this PostgreSQL (no pljava in"
                    + " pg_available_extensions); the core suites ran without it");
            Assumptions.abort("PL/Java is not installed in this PostgreSQL");
        }
        install(server);
        System.out.println("[pgwarden-it] in-server suite " + suite + ": pgwarden installed"
                + " with install/install.sh");
    }

    /** Installs pgwarden with install/install.sh, or fails with what the script said. */
    static void install(TestServer server) throws IOException, InterruptedException {
        Result result = run(server, "install/install.sh");
        if (result.exitCode() != 0) {
            throw new IllegalStateException("install/install.sh failed:\n" + result.output());
        }
    }
}
