package org.pgwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged client-side runner, target/pgwarden-cli.jar, as an operator would. */
final class Cli {

    /** What a run printed on each stream, and how it exited. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    static Path jar() {
        return Paths.get(System.getProperty("pgwarden.cli.jar", "target/pgwarden-cli.jar"));
    }

    /**
     * Runs {@code java -jar jar args} with the libpq variables of {@code env} and no others,
     * so that the machine's own PG* settings cannot leak in.
     */
    static Result run(Path jar, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("pgwarden-cli", ".out");
        Path err = Files.createTempFile("pgwarden-cli", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().keySet().removeIf(name -> name.startsWith("PG"));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 120 s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    static Result run(Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        return run(jar(), env, args);
    }
}
