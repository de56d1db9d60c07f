package org.pgwarden;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code java -jar pgwarden-cli.jar watch ...} as a child process that runs until stopped:
 * its stdout lines as they come, SIGTERM to stop it. Closing it kills what is left.
 */
final class WatchProcess implements AutoCloseable {

    private final Process process;
    private final Path err;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private WatchProcess(Process process, Path err) {
        this.process = process;
        this.err = err;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "watch-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the runner with the libpq variables of {@code env} and no others. */
    static WatchProcess start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Cli.jar().toString(), "watch"));
        command.addAll(List.of(args));
        return start(command, env);
    }

    /** Starts {@code command}, a whole java command line, with {@code env}'s PG* variables. */
    static WatchProcess start(List<String> command, Map<String, String> env)
            throws IOException {
        Path err = Files.createTempFile("pgwarden-watch", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile());
        pb.environment().keySet().removeIf(name -> name.startsWith("PG"));
        pb.environment().putAll(env);
        return new WatchProcess(pb.start(), err);
    }

    /** The runner's process id. */
    long pid() {
        return process.pid();
    }

    /** The stdout lines so far. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits for a stdout line that {@code matches}, and returns it. */
    String awaitLine(String what, Duration limit, Predicate<String> matches) {
        Poll.until(what + " in the runner's output; so far:\n" + String.join("\n", lines)
                + "\nstderr: " + stderr(), limit,
                () -> {
                    if (lines.stream().anyMatch(matches)) {
                        return true;
                    }
                    if (!process.isAlive()) {
                        reader.join(1000);
                        if (lines.stream().anyMatch(matches)) {
                            return true;
                        }
                        throw new AssertionError("the runner exited " + process.exitValue()
                                + " before " + what + ":\n" + String.join("\n", lines)
                                + "\nstderr: " + stderr());
                    }
                    return false;
                });
        return lines.stream().filter(matches).findFirst().orElseThrow();
    }

    /** SIGTERM, as systemd or docker stop sends it; returns the exit status. */
    int stop(Duration limit) throws InterruptedException {
        // The handle's destroy sends the same SIGTERM as Process.destroy(), which would also
        // close our end of stdout and lose the lines written while the runner stops.
        process.toHandle().destroy();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the runner did not stop within " + limit + " of SIGTERM");
        }
        reader.join(limit.toMillis());
        return process.exitValue();
    }

    String stderr() {
        try {
            return Files.readString(err);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(err);
    }
}
