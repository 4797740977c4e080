package dev.flinkesm.security;

import java.util.Map;
import java.util.function.Function;

/** {@code env://NAME}: an environment variable of the Flink processes holding the secret's JSON. */
final class EnvSecretSource implements SecretSource {
    private static final String PREFIX = "env://";

    private final Function<String, String> environment;

    EnvSecretSource() {
        this(System::getenv);
    }

    /** For tests: the JVM's environment cannot be changed from inside it. */
    EnvSecretSource(Function<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public boolean handles(String uri) {
        return uri.startsWith(PREFIX);
    }

    @Override
    public Map<String, String> read(String uri) {
        String value = environment.apply(uri.substring(PREFIX.length()));
        if (value == null) {
            throw new SecretUnreadableException("environment variable is not set");
        }
        return SecretJson.parse(value);
    }
}
