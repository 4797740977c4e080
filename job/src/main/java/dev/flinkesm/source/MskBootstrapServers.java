package dev.flinkesm.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flinkesm.aws.AwsClients;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;

/**
 * An Amazon MSK mapping names its cluster ({@code EventSourceArn}); Lambda asks MSK for the brokers. So does this,
 * once when the job is built: MSK's {@code GetBootstrapBrokers} ({@code GET /v1/clusters/{arn}/bootstrap-brokers}),
 * SigV4-signed with the default credentials chain, in the ARN's region, picking the broker string of the mapping's
 * authentication (IAM, SCRAM, mTLS). The SDK's MSK client is not published at the pinned SDK version, so this makes
 * the one call with the SDK's own signer and HTTP client; {@link AwsClients#kafkaEndpoint} resolves the endpoint by
 * the SDK's rules.
 */
public final class MskBootstrapServers {
    private static final Pattern CLUSTER_ARN = Pattern.compile("^arn:(aws[a-zA-Z-]*):kafka:([a-z0-9-]+):.*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private MskBootstrapServers() {}

    /**
     * @throws IllegalArgumentException with an {@code ESM_CONFIG_NOT_VALID} message if there is none to use
     */
    public static String lookup(String clusterArn, Properties clientSettings, AwsClients aws) {
        Matcher arn = CLUSTER_ARN.matcher(clusterArn);
        if (!arn.matches()) {
            throw new IllegalArgumentException("ESM_CONFIG_NOT_VALID: EventSourceArn " + clusterArn
                    + " is not an Amazon MSK cluster ARN");
        }
        String region = arn.group(2);
        JsonNode brokers;
        try {
            brokers = getBootstrapBrokers(aws, aws.kafkaEndpoint(Region.of(region)), region, clusterArn);
        } catch (Exception e) {
            throw new IllegalArgumentException("ESM_CONFIG_NOT_VALID: the brokers of EventSourceArn " + clusterArn
                    + " cannot be looked up: " + e.getMessage(), e);
        }
        return choose(brokers, clientSettings, clusterArn);
    }

    private static JsonNode getBootstrapBrokers(AwsClients aws, URI endpoint, String region, String clusterArn)
            throws Exception {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .uri(endpoint)
                .encodedPath("/v1/clusters/" + URLEncoder.encode(clusterArn, StandardCharsets.UTF_8)
                        + "/bootstrap-brokers")
                .putHeader("Accept", "application/json")
                .putHeader("User-Agent", AwsClients.USER_AGENT)
                .build();
        AwsCredentialsIdentity credentials;
        AwsCredentialsProvider provider = aws.credentials();
        try {
            credentials = provider.resolveCredentials();
        } finally {
            if (provider instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials)
                .request(request)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kafka")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        try (SdkHttpClient http = aws.syncHttp()) {
            ExecutableHttpRequest call = http.prepareRequest(
                    HttpExecuteRequest.builder().request(signed.request()).build());
            HttpExecuteResponse response = call.call();
            byte[] body = new byte[0];
            if (response.responseBody().isPresent()) {
                try (InputStream in = response.responseBody().get()) {
                    body = in.readAllBytes();
                }
            }
            int status = response.httpResponse().statusCode();
            if (status != 200) {
                throw new IllegalStateException("HTTP " + status + " " + new String(body, StandardCharsets.UTF_8));
            }
            return JSON.readTree(body);
        }
    }

    /** The broker string for the client's authentication, as the cluster lists them. */
    static String choose(JsonNode brokers, Properties clientSettings, String clusterArn) {
        String mechanism = clientSettings.getProperty("sasl.mechanism", "");
        String protocol = clientSettings.getProperty("security.protocol", "PLAINTEXT");
        String kind;
        String field;
        if (mechanism.equals("AWS_MSK_IAM")) {
            kind = "IAM";
            field = "BootstrapBrokerStringSaslIam";
        } else if (mechanism.startsWith("SCRAM")) {
            kind = "SASL/SCRAM";
            field = "BootstrapBrokerStringSaslScram";
        } else if (protocol.equals("SSL")) {
            kind = "TLS";
            field = "BootstrapBrokerStringTls";
        } else {
            kind = "plaintext";
            field = "BootstrapBrokerString";
        }
        String servers = brokers.path(field).asText("");
        if (servers.isBlank()) {
            throw new IllegalArgumentException("ESM_CONFIG_NOT_VALID: EventSourceArn " + clusterArn + " has no "
                    + kind + " bootstrap brokers: enable that authentication on the cluster, or choose another in "
                    + "SourceAccessConfigurations");
        }
        return servers;
    }
}
