package dev.flinkesm.delivery;

import dev.flinkesm.batch.BatchLimits;
import dev.flinkesm.failure.Backoff;
import dev.flinkesm.failure.FailurePolicy;
import dev.flinkesm.payload.KafkaEventEncoder;

/**
 * The mapping's rules the engine applies: how batches are cut and encoded, what failures mean, how long to wait
 * between retries, and how much a reader may hold.
 *
 * @param maxConcurrentInvocations invocations (and destination writes) in flight at once over all partitions
 * @param maxBufferedBytes encoded bytes of records the engine holds (waiting, in flight, retrying) before the reader
 *     takes no more records
 * @param commitBeforeNextBatch a partition's next batch waits until the consumer group holds the offset after the
 *     one before: a crash then re-sends at most the batch in flight, at one commit round-trip per batch (measured:
 *     about a third of the throughput at BatchSize 1,000); without it, a crash may also re-send the batch before,
 *     if its commit had not reached the broker
 */
public record DeliveryRules(
        BatchLimits limits,
        KafkaEventEncoder encoder,
        FailurePolicy policy,
        Backoff backoff,
        int maxConcurrentInvocations,
        long maxBufferedBytes,
        String functionName,
        boolean commitBeforeNextBatch) {

    public DeliveryRules {
        if (maxConcurrentInvocations < 1 || maxBufferedBytes < 1) {
            throw new IllegalArgumentException("need maxConcurrentInvocations >= 1 and maxBufferedBytes >= 1");
        }
    }
}
