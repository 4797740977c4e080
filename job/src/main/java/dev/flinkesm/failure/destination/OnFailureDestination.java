package dev.flinkesm.failure.destination;

import java.util.concurrent.CompletableFuture;

/**
 * Where a Kafka event source mapping writes the batches it gives up on ({@code DestinationConfig.OnFailure}).
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>{@link #send} never blocks the caller on I/O: it returns a future at once.
 *   <li>The future completes normally only once the destination has durably accepted everything for the batch
 *       (SQS/SNS: the message id came back; S3: the PUT succeeded; Kafka: every record acknowledged with
 *       {@code acks=all}).
 *   <li>Otherwise it completes exceptionally; nothing is dropped silently. The caller retries with backoff and must
 *       not commit the batch's offsets before a send succeeds.
 *   <li>At-least-once: a send that failed after the destination accepted part or all of it may write again when
 *       retried (S3 overwrites the same key, since it is derived from {@link FailedBatch#requestId()}; the others
 *       may deliver twice).
 * </ul>
 *
 * <p>Implementations are thread-safe. {@link #close()} releases clients; sends still in flight then fail.
 */
public interface OnFailureDestination extends AutoCloseable {

    /** Writes the failure record(s) for {@code batch}. */
    CompletableFuture<Void> send(FailedBatch batch);

    /** The destination as configured ({@code kafka://dlq}, {@code arn:aws:sqs:...}), for logs and metrics. */
    String destination();

    @Override
    void close();
}
