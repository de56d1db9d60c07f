package org.pgwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Programs and directories on the test machine: running a command (as the postgres account
 * when the tests run as root, since PostgreSQL refuses to run as root) and removing a tree.
 */
final class Shell {

    private Shell() {
    }

    /** Runs a command to completion; its output on failure is part of the exception. */
    static String run(List<String> command, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (env != null) {
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }

    static void runQuietly(List<String> command) {
        try {
            run(command, null);
        } catch (IOException | InterruptedException e) {
            // the cluster was not running
        }
    }

    /** Whether the tests run as root, so that server processes run as the postgres account. */
    static boolean isRoot() throws IOException, InterruptedException {
        return "0".equals(run(List.of("id", "-u"), null).trim());
    }

    /** {@code command}, run through runuser as the postgres account when {@code root}. */
    static List<String> asServerUser(boolean root, String... command) {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    /** Whether the postgres account can reach {@code dir} (created if missing). */
    static boolean accessibleToPostgres(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            run(List.of("runuser", "-u", "postgres", "--", "test", "-x", dir.toString()), null);
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            System.out.println("[pgwarden-it] could not remove " + dir + ": " + e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
