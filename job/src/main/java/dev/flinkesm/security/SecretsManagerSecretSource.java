package dev.flinkesm.security;

import dev.flinkesm.aws.AwsClients;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * A Secrets Manager secret ARN, read with {@code GetSecretValue} (AWSCURRENT), with the client {@link AwsClients}
 * builds in the ARN's region ({@code --endpoint secretsmanager=URL}, else {@code AWS_ENDPOINT_URL_SECRETS_MANAGER},
 * {@code AWS_ENDPOINT_URL}, their system properties, the shared config).
 */
final class SecretsManagerSecretSource implements SecretSource {
    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\\d{12}:secret:.+");

    private final AwsClients aws;

    SecretsManagerSecretSource(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public boolean handles(String uri) {
        return uri.startsWith("arn:");
    }

    @Override
    public Map<String, String> read(String uri) {
        Matcher arn = ARN.matcher(uri);
        if (!arn.matches()) {
            throw new SecretUnreadableException("not a Secrets Manager secret ARN");
        }
        try (SecretsManagerClient client = aws.secretsManager(Region.of(arn.group(1)))) {
            GetSecretValueResponse response = client.getSecretValue(r -> r.secretId(uri));
            if (response.secretString() != null) {
                return SecretJson.parse(response.secretString());
            }
            SdkBytes binary = response.secretBinary();
            if (binary != null) {
                return SecretJson.parse(binary.asUtf8String());
            }
            throw new SecretUnreadableException("secret has no value");
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            throw new SecretUnreadableException("secret cannot be read ("
                    + (code != null ? code : e.getClass().getSimpleName()) + ", HTTP " + e.statusCode() + ")");
        } catch (SdkException e) {
            throw new SecretUnreadableException("secret cannot be read (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")");
        }
    }
}
