package dev.flinkesm.failure;

import java.util.Optional;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Decides which Kafka client failures no restart can mend: refused credentials and missing ACLs. They arrive wrapped
 * several levels deep (fetcher, enumerator, admin client); any other failure is left to Flink's restart strategy.
 * The problem texts are the {@code LastProcessingResult} messages Lambda's ESM uses.
 */
public final class KafkaFailureClassifier {

    private KafkaFailureClassifier() {}

    public static Optional<MappingStoppedException> asMappingStop(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MappingStoppedException) {
                return Optional.of((MappingStoppedException) t);
            }
            if (t instanceof SaslAuthenticationException) {
                // Wrong password or unknown user: the broker refused the SASL handshake.
                return Optional.of(new MappingStoppedException(
                        ReasonCode.EVENT_SOURCE_AUTHN_ERROR, "SASL authentication failed", t));
            }
            if (t instanceof SslAuthenticationException) {
                // The TLS handshake failed: an untrusted broker certificate, or a client certificate the broker
                // refused.
                return Optional.of(new MappingStoppedException(
                        ReasonCode.EVENT_SOURCE_AUTHN_ERROR, "TLS authentication failed: " + t.getMessage(), t));
            }
            if (t instanceof AuthenticationException) {
                return Optional.of(new MappingStoppedException(
                        ReasonCode.EVENT_SOURCE_AUTHN_ERROR, "Authentication failed: " + t.getMessage(), t));
            }
            if (t instanceof AuthorizationException) {
                // Topic, group or cluster ACLs do not allow the mapping's principal what it needs.
                return Optional.of(new MappingStoppedException(
                        ReasonCode.EVENT_SOURCE_AUTHZ_ERROR,
                        "Cluster failed to authorize Lambda (" + t.getClass().getSimpleName() + ": "
                                + t.getMessage() + ")", t));
            }
        }
        return Optional.empty();
    }
}
