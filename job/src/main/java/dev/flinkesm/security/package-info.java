/**
 * Secured clusters: the mapping's {@code SourceAccessConfigurations} become Kafka client settings
 * ({@link dev.flinkesm.security.SecurityProperties}) holding placeholders only; the secrets behind them (Secrets
 * Manager, {@code file://}, {@code env://}) are read by {@link dev.flinkesm.security.EsmSecretsConfigProvider} when
 * each Kafka client is created, so they never enter the job graph, Flink's configuration, logs or savepoints.
 */
package dev.flinkesm.security;
