package dev.flinkesm.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.aws.AwsService;
import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.config.MappingParser;
import dev.flinkesm.source.KafkaClientProperties;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SecurityPropertiesTest {
    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka-AbCdEf";

    static EventSourceMapping selfManaged(String access) {
        return MappingParser.parse("{\"FunctionName\":\"f\",\"Topics\":[\"t\"],\"StartingPosition\":\"LATEST\","
                + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"b:9096\"]}}"
                + (access == null ? "" : ",\"SourceAccessConfigurations\":" + access) + "}");
    }

    static EventSourceMapping msk(String access) {
        return MappingParser.parse("{\"FunctionName\":\"f\",\"Topics\":[\"t\"],\"StartingPosition\":\"LATEST\","
                + "\"EventSourceArn\":\"arn:aws:kafka:eu-west-1:123456789012:cluster/demo/abc-1\""
                + (access == null ? "" : ",\"SourceAccessConfigurations\":" + access) + "}");
    }

    private static String entry(String type, String uri) {
        return "{\"Type\":\"" + type + "\",\"URI\":\"" + uri + "\"}";
    }

    @Test
    void scram512IsSaslSslWithAJaasPlaceholder() {
        Map<String, String> p = SecurityProperties.of(selfManaged("[" + entry("SASL_SCRAM_512_AUTH", ARN) + "]"));
        assertThat(p).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "${esm:0:jaas}")
                .containsEntry("ssl.endpoint.identification.algorithm", "https")
                .containsEntry("config.providers", "esm")
                .containsEntry("config.providers.esm.class", EsmSecretsConfigProvider.class.getName())
                .containsEntry("config.providers.esm.param.0.uri", ARN)
                .containsEntry("config.providers.esm.param.0.type", "SASL_SCRAM_512_AUTH")
                .doesNotContainKey("ssl.truststore.type");
    }

    @Test
    void scram256AndBasicAuthPickTheirMechanismAndAlwaysUseTls() {
        assertThat(SecurityProperties.of(selfManaged("[" + entry("SASL_SCRAM_256_AUTH", ARN) + "]")))
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256").containsEntry("security.protocol", "SASL_SSL");
        assertThat(SecurityProperties.of(selfManaged("[" + entry("BASIC_AUTH", ARN) + "]")))
                .containsEntry("sasl.mechanism", "PLAIN").containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void basicAuthWithoutTlsIsRefused() {
        Map<String, String> extra = Map.of("security.protocol", "SASL_PLAINTEXT");
        assertThatThrownBy(() -> KafkaClientProperties.common(
                selfManaged("[" + entry("BASIC_AUTH", ARN) + "]"), "b:9096", extra, AwsClients.standard()))
                .hasMessageStartingWith("ESM_CONFIG_NOT_VALID: --kafka-property security.protocol conflicts");
    }

    @Test
    void disablingHostnameVerificationIsRefused() {
        Map<String, String> extra = Map.of("ssl.endpoint.identification.algorithm", "");
        assertThatThrownBy(() -> KafkaClientProperties.common(
                selfManaged("[" + entry("SASL_SCRAM_512_AUTH", ARN) + "]"), "b:9096", extra, AwsClients.standard()))
                .hasMessageContaining("ssl.endpoint.identification.algorithm conflicts");
    }

    @Test
    void mutualTlsWithRootCaUsesPemStoresAndNoKeyPassword() {
        Map<String, String> p = SecurityProperties.of(selfManaged("[" + entry("CLIENT_CERTIFICATE_TLS_AUTH", ARN)
                + "," + entry("SERVER_ROOT_CA_CERTIFICATE", "file:///etc/esm/ca.json") + "]"));
        assertThat(p).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.keystore.type", "PEM")
                .containsEntry("ssl.keystore.certificate.chain", "${esm:0:certificate}")
                .containsEntry("ssl.keystore.key", "${esm:0:privateKey}")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.certificates", "${esm:1:certificate}")
                .containsEntry("config.providers.esm.param.1.uri", "file:///etc/esm/ca.json")
                .doesNotContainKeys("ssl.key.password", "sasl.mechanism", "sasl.jaas.config");
    }

    @Test
    void rootCaAloneIsTlsWithoutClientAuthentication() {
        assertThat(SecurityProperties.of(selfManaged("[" + entry("SERVER_ROOT_CA_CERTIFICATE", "env://CA") + "]")))
                .containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.certificates", "${esm:0:certificate}")
                .doesNotContainKey("ssl.keystore.type");
    }

    @Test
    void vpcEntriesAndNoEntriesChangeNothing() {
        assertThat(SecurityProperties.of(selfManaged(null))).isEmpty();
        assertThat(SecurityProperties.of(selfManaged("[" + entry("VPC_SUBNET", "subnet:subnet-0123") + "]")))
                .isEmpty();
    }

    @Test
    void mskWithoutASecretUsesIamAuthentication() {
        Map<String, String> p = SecurityProperties.of(msk(null));
        assertThat(p).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "AWS_MSK_IAM")
                .containsEntry("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;")
                .containsEntry("sasl.client.callback.handler.class",
                        "software.amazon.msk.auth.iam.IAMClientCallbackHandler")
                .doesNotContainKey("config.providers");
    }

    @Test
    void mskWithScramOrMutualTlsUsesThatInstead() {
        assertThat(SecurityProperties.of(msk("[" + entry("SASL_SCRAM_512_AUTH", ARN) + "]")))
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(SecurityProperties.of(msk("[" + entry("CLIENT_CERTIFICATE_TLS_AUTH", ARN) + "]")))
                .containsEntry("security.protocol", "SSL").doesNotContainKey("sasl.mechanism");
    }

    @Test
    void mskUnauthenticatedAccessWhenTheUserChoosesTheProtocol() {
        Properties p = KafkaClientProperties.common(
                msk(null), "b-1:9094", Map.of("security.protocol", "SSL"), AwsClients.standard());
        assertThat(p.getProperty("security.protocol")).isEqualTo("SSL");
        assertThat(p).doesNotContainKey("sasl.mechanism");
    }

    @Test
    void theIamLoginModuleAndCallbackHandlerAreOnTheClasspath() throws Exception {
        Class.forName("software.amazon.msk.auth.iam.IAMLoginModule");
        Class.forName("software.amazon.msk.auth.iam.IAMClientCallbackHandler");
    }

    @Test
    void anExplicitSecretsManagerEndpointReachesTheSecretProviderAsAParameter() {
        Properties p = KafkaClientProperties.common(selfManaged("[" + entry("BASIC_AUTH", ARN) + "]"), "b:9096",
                Map.of(), AwsClients.standard().withEndpoint(AwsService.SECRETS_MANAGER, "http://127.0.0.1:4566"));
        assertThat(p).containsEntry("config.providers.esm.param." + EsmSecretsConfigProvider.SECRETS_MANAGER_ENDPOINT,
                "http://127.0.0.1:4566");
        assertThat(KafkaClientProperties.common(selfManaged("[" + entry("BASIC_AUTH", ARN) + "]"), "b:9096",
                Map.of(), AwsClients.standard()).stringPropertyNames()).noneMatch(k -> k.endsWith("secretsmanager-endpoint"));
    }
}
