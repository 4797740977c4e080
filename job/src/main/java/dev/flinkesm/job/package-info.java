/**
 * The job's entry point: {@link dev.flinkesm.job.EsmJob}'s {@code main}, its command line (options and their
 * converters), Managed Service for Apache Flink's runtime properties, and the checks made before the pipeline is
 * submitted. It turns arguments into a mapping and {@link dev.flinkesm.pipeline.JobOptions} and hands both to
 * {@link dev.flinkesm.pipeline}; nothing below imports this package.
 */
package dev.flinkesm.job;
