/** flink-lambda-esm: Lambda's Kafka event source mapping as a Flink job. */
package dev.flinkesm;
