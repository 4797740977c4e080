package dev.flinkesm.failure.destination;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.sns.SnsAsyncClient;

/**
 * An SNS topic ({@code arn:aws:sns:<region>:<account>:<name>}): one {@code Publish} per failed batch whose message is
 * {@link FailureRecords#batchRecord}.
 *
 * <p>SNS messages are limited to 256 KiB. The record carries no payload (AWS's does not either), so it is about a
 * kilobyte; a record over the limit anyway (only conceivable with an absurd bootstrap-servers string) fails the
 * future with a message that says so, rather than publishing something SNS would refuse.
 */
public final class SnsDestination implements OnFailureDestination {

    /** SNS's message size limit, in bytes. */
    public static final int MAX_MESSAGE_BYTES = 262_144;

    private final String topicArn;
    private final SnsAsyncClient client;

    public SnsDestination(String topicArn, SnsAsyncClient client) {
        this.topicArn = Objects.requireNonNull(topicArn, "topicArn");
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public CompletableFuture<Void> send(FailedBatch batch) {
        String message;
        try {
            message = FailureRecords.batchRecord(batch);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        int size = message.getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_MESSAGE_BYTES) {
            return CompletableFuture.failedFuture(new IllegalStateException("the failure record of " + batch
                    + " is " + size + " bytes, over SNS's " + MAX_MESSAGE_BYTES + "-byte message limit"));
        }
        return client.publish(b -> b.topicArn(topicArn).message(message)).thenApply(response -> null);
    }

    @Override
    public String destination() {
        return topicArn;
    }

    @Override
    public void close() {
        client.close();
    }
}
