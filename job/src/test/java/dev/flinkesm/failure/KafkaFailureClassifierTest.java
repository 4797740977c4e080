package dev.flinkesm.failure;

import static org.assertj.core.api.Assertions.assertThat;

import javax.net.ssl.SSLHandshakeException;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class KafkaFailureClassifierTest {

    private static MappingStoppedException classify(Throwable t) {
        return KafkaFailureClassifier.asMappingStop(
                new FlinkRuntimeException("Failed to list subscribed topic partitions due to ", t)).orElseThrow();
    }

    @Test
    void refusedSaslLoginIsSaslAuthenticationFailed() {
        MappingStoppedException stop = classify(new SaslAuthenticationException(
                "Authentication failed during authentication due to invalid credentials with SASL mechanism"));
        assertThat(stop.reason()).isEqualTo(ReasonCode.EVENT_SOURCE_AUTHN_ERROR);
        assertThat(stop.getMessage()).startsWith("EVENT_SOURCE_AUTHN_ERROR: PROBLEM: SASL authentication failed (");
    }

    @Test
    void anUntrustedBrokerCertificateIsLambdaFailedToAuthenticateServer() {
        SslAuthenticationException ssl = new SslAuthenticationException("SSL handshake failed");
        ssl.initCause(new SSLHandshakeException("PKIX path building failed: unable to find valid certification path"));
        assertThat(classify(ssl).getMessage())
                .startsWith("EVENT_SOURCE_AUTHN_ERROR: PROBLEM: Lambda failed to authenticate server (");
    }

    @Test
    void aClientCertificateTheBrokerRefusesIsInvalidCertificate() {
        SslAuthenticationException ssl = new SslAuthenticationException("SSL handshake failed");
        ssl.initCause(new SSLHandshakeException("Received fatal alert: bad_certificate"));
        assertThat(classify(ssl).getMessage())
                .startsWith("EVENT_SOURCE_AUTHN_ERROR: PROBLEM: Provided certificate or private key is invalid (");
    }

    @Test
    void keyMaterialKafkaCannotLoadIsInvalidCertificate() {
        KafkaException construct = new KafkaException("Failed to construct kafka consumer",
                new InvalidConfigurationException("Failed to load PEM SSL keystore"));
        assertThat(classify(construct).getMessage())
                .contains("PROBLEM: Provided certificate or private key is invalid");
    }

    @Test
    void missingAclsAreClusterFailedToAuthorizeLambda() {
        MappingStoppedException topic = classify(new TopicAuthorizationException("Not authorized to access topics"));
        assertThat(topic.reason()).isEqualTo(ReasonCode.EVENT_SOURCE_AUTHZ_ERROR);
        assertThat(topic.getMessage()).startsWith("EVENT_SOURCE_AUTHZ_ERROR: PROBLEM: Cluster failed to authorize"
                + " Lambda (TopicAuthorizationException");
        assertThat(classify(new GroupAuthorizationException("g")).getMessage())
                .contains("Cluster failed to authorize Lambda (GroupAuthorizationException");
    }

    @Test
    void otherFailuresAreLeftToRestarts() {
        assertThat(KafkaFailureClassifier.asMappingStop(new KafkaException("Failed to construct kafka consumer",
                new java.net.UnknownHostException("nowhere")))).isEmpty();
    }
}
