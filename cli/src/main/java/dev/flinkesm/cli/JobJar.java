package dev.flinkesm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The shaded job jar on the cluster. Its name there carries a hash of its content, so a jar is uploaded once and
 * reused by every mapping, and a rebuilt jar is uploaded beside the old one instead of replacing a running job's.
 */
final class JobJar {
    private final FlinkRest flink;
    private final Path file; // null: none was found or given

    JobJar(FlinkRest flink, Path file) {
        this.flink = flink;
        this.file = file;
    }

    /** The jar's id on the cluster, uploading it first if the cluster does not have this content yet. */
    String idOnCluster() {
        if (file == null || !Files.isRegularFile(file)) {
            throw new EsmError("InvalidParameterValueException",
                    "No job jar: build it (mvn -pl job package) or pass --job-jar / ESM_JOB_JAR"
                            + (file == null ? "" : " (" + file + " does not exist)"), EsmError.PARAMETERS);
        }
        String fileName = file.getFileName().toString();
        String base = fileName.endsWith(".jar") ? fileName.substring(0, fileName.length() - 4) : fileName;
        String name = base + "-" + sha256(file).substring(0, 12) + ".jar";
        return flink.findJar(name).orElseGet(() -> flink.uploadJar(file, name));
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
