/**
 * Assembles one mapping's Flink pipeline ({@link dev.flinkesm.pipeline.EsmPipeline}) from the mapping and the
 * job's {@link dev.flinkesm.pipeline.JobOptions}: the delivering Kafka source ({@link dev.flinkesm.source}), given
 * what it needs as values ({@link dev.flinkesm.source.DeliverySettings}), and the sink for its reports. Used by the
 * job's entry point and by local runs (demo, tests, benchmark) alike.
 */
package dev.flinkesm.pipeline;
