package dev.flinkesm.config;

/**
 * The {@code SourceAccessConfigurations[].Type} values that apply to Kafka, with AWS's exact names.
 *
 * <p>AWS's {@code VIRTUAL_HOST} is RabbitMQ-only and is rejected by the parser, so it is not here. Amazon MSK's IAM
 * authentication has no entry: it uses the function's execution role, not a source access configuration.
 */
public enum SourceAccessType {
    /** SASL/PLAIN; the URI names a secret holding {@code username} and {@code password}. TLS is required. */
    BASIC_AUTH(true),
    /** SASL/SCRAM-SHA-256 over SASL_SSL (self-managed Kafka). */
    SASL_SCRAM_256_AUTH(true),
    /** SASL/SCRAM-SHA-512 over SASL_SSL (self-managed Kafka and Amazon MSK). */
    SASL_SCRAM_512_AUTH(true),
    /**
     * Mutual TLS; the secret holds the {@code certificate} chain, a PKCS#8 {@code privateKey} and optionally its
     * {@code privateKeyPassword}.
     */
    CLIENT_CERTIFICATE_TLS_AUTH(true),
    /** The secret holds the root CA {@code certificate} that signed the brokers' certificates (self-managed Kafka). */
    SERVER_ROOT_CA_CERTIFICATE(false),
    /** A VPC subnet for Lambda's pollers. Off AWS the network is the Flink cluster's, so this has no effect. */
    VPC_SUBNET(false),
    /** A VPC security group for Lambda's pollers. Off AWS the network is the Flink cluster's, so this has no effect. */
    VPC_SECURITY_GROUP(false);

    private final boolean authentication;

    SourceAccessType(boolean authentication) {
        this.authentication = authentication;
    }

    /** True for the types that choose how the client authenticates; a mapping may have at most one. */
    public boolean isAuthentication() {
        return authentication;
    }

    /** True for VPC_SUBNET and VPC_SECURITY_GROUP, which only place Lambda's pollers in a network. */
    public boolean isVpc() {
        return this == VPC_SUBNET || this == VPC_SECURITY_GROUP;
    }
}
