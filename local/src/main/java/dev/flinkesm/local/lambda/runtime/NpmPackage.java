package dev.flinkesm.local.lambda.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Installs npm packages with npm itself into a cache directory keyed by the exact versions, once: a later call with
 * the same packages finds {@code node_modules} ready. Installs into a temporary directory and renames it, under a
 * file lock, so concurrent JVMs neither race nor see a half-installed package. {@code aws-lambda-ric} builds a
 * native addon during its install (about two minutes on two cores).
 */
public final class NpmPackage {

    private static final Logger LOG = LoggerFactory.getLogger(NpmPackage.class);
    private static final long INSTALL_TIMEOUT_MINUTES = 15;

    private NpmPackage() {}

    /**
     * The {@code node_modules} directory holding {@code packages} (each {@code name@version}), installed under
     * {@code cacheDir} if not there yet.
     */
    public static Path ensure(Path cacheDir, List<String> packages) throws IOException {
        String key = String.join("+", packages).replace('/', '_');
        Path target = cacheDir.resolve(key);
        Path modules = target.resolve("node_modules");
        if (Files.isDirectory(modules)) {
            return modules;
        }
        Files.createDirectories(cacheDir);
        try (FileChannel lockFile = FileChannel.open(cacheDir.resolve(".install.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockFile.lock()) {
            if (Files.isDirectory(modules)) {
                return modules; // another JVM installed it while this one waited
            }
            Path staging = cacheDir.resolve(key + ".installing-" + ProcessHandle.current().pid());
            deleteTree(staging);
            Files.createDirectories(staging);
            Path log = cacheDir.resolve(key + ".install.log");
            LOG.info("Installing {} with npm (log: {})", packages, log);
            long started = System.nanoTime();
            List<String> command = new java.util.ArrayList<>(List.of(
                    "npm", "install", "--prefix", staging.toString(), "--no-audit", "--no-fund", "--no-save"));
            command.addAll(packages);
            Process npm = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            int exit;
            try {
                if (!npm.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    npm.descendants().forEach(ProcessHandle::destroyForcibly);
                    npm.destroyForcibly();
                    throw new IOException("npm install " + packages + " did not finish in "
                            + INSTALL_TIMEOUT_MINUTES + " minutes; see " + log);
                }
                exit = npm.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                npm.destroyForcibly();
                throw new IOException("interrupted while installing " + packages, e);
            }
            if (exit != 0 || !Files.isDirectory(staging.resolve("node_modules"))) {
                throw new IOException("npm install " + packages + " failed (exit " + exit + "); see " + log);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("Installed {} in {} s", packages, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
            return modules;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
