package dev.flinkesm.cli.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Third-party clients from Debian's archive, installed by the test run when missing (never by hand): the AWS CLI
 * v2 ({@code awscli}, {@code /usr/bin/aws}) and boto3 ({@code python3-boto3}, for {@code /usr/bin/python3}). The
 * image may have another {@code aws} on PATH; the tests call Debian's by its full path.
 */
final class DebianPackages {
    static final Path AWS_CLI = Path.of("/usr/bin/aws");
    static final Path PYTHON = Path.of("/usr/bin/python3");

    private DebianPackages() {}

    static void ensureAwsCliAndBoto3() throws Exception {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(AWS_CLI)) {
            missing.add("awscli");
        }
        if (!Files.isExecutable(PYTHON) || run(List.of(PYTHON.toString(), "-c", "import boto3")) != 0) {
            missing.add("python3-boto3");
        }
        if (missing.isEmpty()) {
            return;
        }
        System.out.println("MappingApiITCase: installing " + missing + " from Debian with apt-get (needed to test "
                + "esm serve with the real AWS CLI v2 and boto3)");
        List<String> install = new ArrayList<>(sudo());
        install.addAll(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
        install.addAll(missing);
        if (run(install) != 0) {
            // A fresh machine may not have the package lists yet.
            List<String> update = new ArrayList<>(sudo());
            update.addAll(List.of("apt-get", "update", "-q"));
            if (run(update) != 0 || run(install) != 0) {
                throw new IllegalStateException("apt-get could not install " + missing);
            }
        }
    }

    private static List<String> sudo() {
        return "root".equals(System.getProperty("user.name")) ? List.of() : List.of("sudo", "-n");
    }

    private static int run(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -1;
        }
        if (p.exitValue() != 0 && cmd.contains("apt-get")) {
            System.out.println(out.lines().skip(Math.max(0, out.lines().count() - 15))
                    .reduce("", (a, b) -> a + "  [apt] " + b + "\n"));
        }
        return p.exitValue();
    }
}
