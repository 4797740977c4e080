package dev.flinkesm.security;

import dev.flinkesm.aws.AwsClients;
import java.util.List;
import java.util.Map;

/** Picks the source for a URI: {@code arn:...secretsmanager...}, {@code file://} or {@code env://}. */
final class SecretSources {
    private final List<SecretSource> sources;

    SecretSources(List<SecretSource> sources) {
        this.sources = sources;
    }

    static SecretSources standard(AwsClients aws) {
        return new SecretSources(
                List.of(new SecretsManagerSecretSource(aws), new FileSecretSource(), new EnvSecretSource()));
    }

    Map<String, String> read(String uri) {
        for (SecretSource source : sources) {
            if (source.handles(uri)) {
                return source.read(uri);
            }
        }
        throw new SecretUnreadableException("no secret source reads this URI (expected a Secrets Manager ARN, "
                + "file:// or env://)");
    }
}
