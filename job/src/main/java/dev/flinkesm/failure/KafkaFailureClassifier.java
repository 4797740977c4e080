package dev.flinkesm.failure;

import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Decides which Kafka client failures no restart can mend: refused credentials, untrusted certificates, invalid key
 * material and missing ACLs. They arrive wrapped several levels deep (fetcher, enumerator, admin client); any other
 * failure is left to Flink's restart strategy. The problem texts are the {@code LastProcessingResult} messages
 * Lambda's ESM uses ({@link #SASL_FAILED} ...), followed by the client's own words in parentheses.
 */
public final class KafkaFailureClassifier {
    public static final String SASL_FAILED = "SASL authentication failed";
    public static final String SERVER_NOT_TRUSTED = "Lambda failed to authenticate server";
    public static final String CLIENT_CERT_INVALID = "Provided certificate or private key is invalid";
    public static final String NOT_AUTHORIZED = "Cluster failed to authorize Lambda";

    private KafkaFailureClassifier() {}

    public static Optional<MappingStoppedException> asMappingStop(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MappingStoppedException) {
                return Optional.of((MappingStoppedException) t);
            }
            if (t instanceof SaslAuthenticationException) {
                // Wrong password or unknown user: the broker refused the SASL handshake.
                return Optional.of(authn(SASL_FAILED, t));
            }
            if (t instanceof SslAuthenticationException) {
                return Optional.of(authn(tlsProblem(t), t));
            }
            if (t instanceof AuthenticationException) {
                return Optional.of(authn(SASL_FAILED, t));
            }
            if (t instanceof AuthorizationException) {
                // Topic, group or cluster ACLs do not allow the mapping's principal what it needs.
                return Optional.of(new MappingStoppedException(ReasonCode.EVENT_SOURCE_AUTHZ_ERROR,
                        NOT_AUTHORIZED + " (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")", t));
            }
            if (isInvalidKeyMaterial(t)) {
                // Kafka could not load the PEM key store: not a certificate chain, not a PKCS#8 key, wrong password.
                return Optional.of(authn(CLIENT_CERT_INVALID, t));
            }
        }
        return Optional.empty();
    }

    /**
     * The {@code LastProcessingResult} problem for a failure that may heal while the mapping waits: a missing topic
     * (created later, as a consumer would wait for it) or brokers that cannot be reached (down, unresolvable, or a
     * port that does not complete the handshake). Empty for anything else. Call {@link #asMappingStop} first: a
     * refused login also ends in a disconnect.
     */
    public static Optional<String> healableProblem(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownTopicOrPartitionException) {
                return Optional.of(Problems.TOPIC_NOT_FOUND + " (" + t.getMessage() + ")");
            }
            if (t instanceof TimeoutException || t instanceof NetworkException || t instanceof DisconnectException
                    || (t instanceof ConfigException && String.valueOf(t.getMessage()).contains("resolvable"))) {
                return Optional.of(Problems.CONNECTION_ERROR);
            }
        }
        return Optional.empty();
    }

    private static MappingStoppedException authn(String problem, Throwable t) {
        return new MappingStoppedException(ReasonCode.EVENT_SOURCE_AUTHN_ERROR,
                problem + " (" + t.getClass().getSimpleName() + ": " + deepestMessage(t) + ")", t);
    }

    /**
     * Which side of the TLS handshake gave up. The client rejecting the broker's chain or host name says so in its
     * own words (PKIX, certification path, subject alternative names); the broker rejecting the client's
     * certificate reaches the client as a fatal alert it received.
     */
    static String tlsProblem(Throwable ssl) {
        String text = chainText(ssl);
        if (text.contains("received fatal alert") || text.contains("bad_certificate")
                || text.contains("certificate_required") || text.contains("unknown_ca")
                || text.contains("certificate_unknown")) {
            return CLIENT_CERT_INVALID;
        }
        return SERVER_NOT_TRUSTED;
    }

    private static boolean isInvalidKeyMaterial(Throwable t) {
        if (!(t instanceof InvalidConfigurationException || t instanceof ConfigException
                || t.getClass() == KafkaException.class)) {
            return false;
        }
        String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        return message.contains("keystore") || message.contains("key store") || message.contains("private key")
                || message.contains("pem");
    }

    private static String chainText(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            text.append(t.getMessage()).append('\n');
        }
        return text.toString().toLowerCase(Locale.ROOT);
    }

    private static String deepestMessage(Throwable failure) {
        String message = failure.getMessage();
        for (Throwable t = failure.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message;
    }
}
