package dev.flinkesm.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own rule checker, from Debian's {@code prometheus} package. Installed by the test run when missing
 * (the machines here are root and reach Debian's archive); if it cannot be installed the tests fail, they never skip.
 */
final class Promtool {
    private static final Path BINARY = Path.of("/usr/bin/promtool");

    record Result(int exitCode, String output) {}

    private Promtool() {}

    static synchronized Path ensureInstalled() throws Exception {
        if (Files.isExecutable(BINARY)) {
            return BINARY;
        }
        System.out.println("promtool is missing: installing Debian's prometheus package with apt-get");
        Result install = run(600, "apt-get", "install", "-y", "--no-install-recommends", "prometheus");
        if (install.exitCode() != 0) {
            Result update = run(600, "apt-get", "update");
            if (update.exitCode() != 0) {
                throw new IllegalStateException("apt-get update failed: " + update.output());
            }
            install = run(600, "apt-get", "install", "-y", "--no-install-recommends", "prometheus");
        }
        if (install.exitCode() != 0 || !Files.isExecutable(BINARY)) {
            throw new IllegalStateException("cannot install promtool (Debian package prometheus): " + install.output());
        }
        return BINARY;
    }

    static Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ensureInstalled().toString());
        cmd.addAll(List.of(args));
        return run(120, cmd.toArray(String[]::new));
    }

    private static Result run(long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p;
        try {
            p = pb.start();
        } catch (IOException notThere) {
            return new Result(127, cmd[0] + ": " + notThere.getMessage());
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(124, String.join(" ", cmd) + " timed out\n" + out);
        }
        return new Result(p.exitValue(), out);
    }
}
