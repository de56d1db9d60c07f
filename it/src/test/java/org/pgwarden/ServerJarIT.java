package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * target/pgwarden.jar, the jar the server loads into every backend that calls a pgwarden
 * function, holds the core's and the pljava module's classes and the deployment descriptor,
 * nothing else: not the runner, not pgjdbc, not a build-time generator.
 */
class ServerJarIT {

    private static final Path ROOT = Paths.get(System.getProperty("pgwarden.basedir", ".."));

    @Test
    void theServerJarHoldsExactlyTheCoreAndPlJavaModulesClasses() throws IOException {
        Set<String> expected = new TreeSet<>();
        expected.addAll(classes(ROOT.resolve("core/target/classes")));
        expected.addAll(classes(ROOT.resolve("pljava/target/classes")));
        expected.add("pgwarden.ddr");
        expected.add("META-INF/MANIFEST.MF");
        assertTrue(expected.contains("org/pgwarden/pljava/WardenFunctions.class"),
                expected::toString);
        assertTrue(expected.contains("org/pgwarden/Enforcer.class"), expected::toString);

        Set<String> entries = new TreeSet<>();
        Path jar = Paths.get(System.getProperty("pgwarden.jar", "target/pgwarden.jar"));
        try (JarFile file = new JarFile(jar.toFile())) {
            file.stream().filter(e -> !e.isDirectory()).forEach(e -> entries.add(e.getName()));
        }
        assertEquals(expected, entries, "entries of " + jar);
        assertTrue(entries.stream().noneMatch(e -> e.startsWith("org/pgwarden/cli/")
                || e.startsWith("org/postgresql/")), entries::toString);
    }

    /** The .class files a module compiled, as jar entry names. */
    private static Set<String> classes(Path dir) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(f -> f.toString().endsWith(".class"))
                    .forEach(f -> names.add(dir.relativize(f).toString().replace('\\', '/')));
        }
        return names;
    }
}
