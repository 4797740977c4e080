package dev.flinkesm.local.lambda.runtime;

import com.amazonaws.services.lambda.runtime.events.KafkaEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Function code for tests, laid out as a user would ship it: Java classes with their dependencies in {@code lib/},
 * a Node.js directory with its {@code node_modules} (Powertools' Kafka consumer, installed by npm on first use).
 */
public final class TestCode {

    public static final String POWERTOOLS_KAFKA = "@aws-lambda-powertools/kafka@2.35.0";
    private static final String FN_PACKAGE = "dev/flinkesm/local/lambda/runtime/fn";

    private TestCode() {}

    /** The test handlers of {@code ...runtime.fn} plus aws-lambda-java-events in {@code lib/}. */
    public static Path java(Path dir) {
        try {
            Path classes = Path.of(TestCode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = dir.resolve(FN_PACKAGE);
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(classes.resolve(FN_PACKAGE))) {
                for (Path file : files.toList()) {
                    Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path events = Path.of(KafkaEvent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Files.createDirectories(dir.resolve("lib"));
            Files.copy(events, dir.resolve("lib").resolve(events.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The test handlers of {@code ...runtime.fn} as one jar (no dependencies: for handlers that need none). */
    public static Path javaJar(Path dir) {
        try {
            Path classes = Path.of(TestCode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Files.createDirectories(dir);
            Path jar = dir.resolve("app.jar");
            try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                    Stream<Path> files = Files.list(classes.resolve(FN_PACKAGE))) {
                for (Path file : files.toList()) {
                    out.putNextEntry(new java.util.jar.JarEntry(FN_PACKAGE + "/" + file.getFileName()));
                    out.write(Files.readAllBytes(file));
                    out.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Node.js test handlers ({@code index.js}, {@code kafka.js}) with Powertools' Kafka consumer. */
    public static Path node(Path dir, RuntimeClients clients) {
        try {
            Path source = Path.of(TestCode.class.getResource("/functions/node/index.js").toURI()).getParent();
            Files.createDirectories(dir);
            for (String file : List.of("index.js", "kafka.js")) {
                Files.copy(source.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
            Path modules = NpmPackage.ensure(clients.npmCache(), List.of(POWERTOOLS_KAFKA));
            Files.createSymbolicLink(dir.resolve("node_modules"), modules);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
