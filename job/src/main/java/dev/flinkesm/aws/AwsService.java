package dev.flinkesm.aws;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The AWS services the job calls, named in {@code --endpoint SERVICE=URL} as the SDK names them in the shared config
 * file's {@code services} section and in {@code AWS_ENDPOINT_URL_<SERVICE>} (case and {@code _}/{@code -} ignored).
 */
public enum AwsService {
    LAMBDA("lambda"),
    SECRETS_MANAGER("secretsmanager"),
    SQS("sqs"),
    SNS("sns"),
    S3("s3"),
    /** Amazon MSK's control plane ({@code GetBootstrapBrokers}); the SDK's service id is "Kafka". */
    KAFKA("kafka");

    private final String optionName;

    AwsService(String optionName) {
        this.optionName = optionName;
    }

    /** The name {@code --endpoint} takes. */
    public String optionName() {
        return optionName;
    }

    /**
     * @throws IllegalArgumentException naming the accepted services
     */
    public static AwsService named(String name) {
        String normal = name.trim().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        if (normal.equals("msk")) {
            return KAFKA;
        }
        for (AwsService s : values()) {
            if (s.optionName.equals(normal)) {
                return s;
            }
        }
        throw new IllegalArgumentException("--endpoint " + name + "=...: unknown service; one of "
                + Arrays.stream(values()).map(AwsService::optionName).collect(Collectors.joining(", ")));
    }
}
