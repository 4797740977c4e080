package dev.flinkesm.security;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** {@code file:///path/secret.json}: a JSON file on every Flink machine (e.g. mounted from a Kubernetes Secret). */
final class FileSecretSource implements SecretSource {

    @Override
    public boolean handles(String uri) {
        return uri.startsWith("file:");
    }

    @Override
    public Map<String, String> read(String uri) {
        Path path;
        try {
            path = Path.of(URI.create(uri.replace(" ", "%20")));
        } catch (IllegalArgumentException e) {
            throw new SecretUnreadableException("not a file URI");
        }
        try {
            return SecretJson.parse(Files.readString(path));
        } catch (IOException e) {
            throw SecretUnreadableException.cannotRead(e);
        }
    }
}
