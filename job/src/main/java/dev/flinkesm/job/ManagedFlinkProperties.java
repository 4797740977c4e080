package dev.flinkesm.job;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * On Amazon Managed Service for Apache Flink the job's {@code main} gets no arguments: the application's runtime
 * properties ({@code EnvironmentProperties.PropertyGroups}) carry them, read with AWS's
 * {@code KinesisAnalyticsRuntime} from the file the service writes ({@value #SERVICE_FILE}). One property group,
 * {@value #GROUP}, holds the mapping and the job's options:
 *
 * <ul>
 *   <li>{@code mapping}: the mapping JSON ({@code --mapping-json});
 *   <li>{@code NAME}: {@code --NAME VALUE}, e.g. {@code max-concurrent-invocations = 64};
 *   <li>{@code NAME.KEY}: {@code --NAME KEY=VALUE} for the repeatable key=value options, e.g.
 *       {@code endpoint.sqs = https://...}, {@code kafka-property.fetch.min.bytes = 1048576}.
 * </ul>
 *
 * The arguments then go through the same parser as any command line, so an unknown name is refused the same way.
 */
final class ManagedFlinkProperties {
    /** Where the service puts the application's properties (KinesisAnalyticsRuntime's own default). */
    static final String SERVICE_FILE = "/etc/flink/application_properties.json";

    static final String GROUP = "EsmMapping";
    static final String MAPPING = "mapping";

    private ManagedFlinkProperties() {}

    /**
     * {@code args} as given, or, when there are none and the service's properties file exists, the arguments its
     * {@value #GROUP} group stands for.
     */
    static String[] argsOr(String[] args) {
        if (args.length > 0 || !Files.exists(Path.of(SERVICE_FILE))) {
            return args;
        }
        return fromFile(Path.of(SERVICE_FILE));
    }

    /** The arguments of a properties file in the service's shape. */
    static String[] fromFile(Path file) {
        try {
            return fromGroups(KinesisAnalyticsRuntime.getApplicationProperties(file.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the application properties " + file, e);
        }
    }

    /**
     * @throws IllegalArgumentException if there is no {@value #GROUP} group or it has no {@code mapping}
     */
    static String[] fromGroups(Map<String, Properties> groups) {
        Properties group = groups.get(GROUP);
        if (group == null || group.getProperty(MAPPING) == null) {
            throw new IllegalArgumentException("ESM_CONFIG_NOT_VALID: the application's runtime properties need a "
                    + "property group " + GROUP + " with the mapping JSON as '" + MAPPING + "'");
        }
        List<String> args = new ArrayList<>(List.of("--mapping-json", group.getProperty(MAPPING)));
        // Sorted: the same properties always give the same command line.
        new TreeMap<>(group).forEach((k, v) -> {
            String key = k.toString();
            if (key.equals(MAPPING)) {
                return;
            }
            int dot = key.indexOf('.');
            if (dot < 0) {
                args.add("--" + key);
                args.add(v.toString());
            } else {
                args.add("--" + key.substring(0, dot));
                args.add(key.substring(dot + 1) + "=" + v);
            }
        });
        return args.toArray(String[]::new);
    }
}
