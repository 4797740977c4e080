package dev.flinkesm.failure.destination;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;

/**
 * An SQS queue ({@code arn:aws:sqs:<region>:<account>:<name>}): one {@code SendMessage} per failed batch whose body is
 * {@link FailureRecords#batchRecord}.
 *
 * <p>The queue URL is looked up once with {@code GetQueueUrl(QueueName, QueueOwnerAWSAccountId)}, so a queue in
 * another account works as it does for Lambda; a failed lookup is forgotten and retried with the next send.
 *
 * <p>Size: SQS refuses bodies over the queue's {@code MaximumMessageSize} (256 KiB by default) with an error, which
 * fails the future; nothing is dropped. The record carries no payload (as AWS's does not) and describes one
 * partition, so it stays around a kilobyte.
 */
public final class SqsDestination implements OnFailureDestination {

    private final String destination;
    private final String queueName;
    private final String accountId;
    private final SqsAsyncClient client;
    private final Object lock = new Object();
    private CompletableFuture<String> queueUrl; // guarded by lock

    public SqsDestination(String queueArn, String queueName, String accountId, SqsAsyncClient client) {
        this.destination = Objects.requireNonNull(queueArn, "queueArn");
        this.queueName = Objects.requireNonNull(queueName, "queueName");
        this.accountId = accountId;
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public CompletableFuture<Void> send(FailedBatch batch) {
        String body;
        try {
            body = FailureRecords.batchRecord(batch);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return queueUrl()
                .thenCompose(url -> client.sendMessage(b -> b.queueUrl(url).messageBody(body)))
                .thenApply(response -> null);
    }

    private CompletableFuture<String> queueUrl() {
        synchronized (lock) {
            CompletableFuture<String> current = queueUrl;
            if (current == null || current.isCompletedExceptionally()) {
                GetQueueUrlRequest request = GetQueueUrlRequest.builder()
                        .queueName(queueName)
                        .queueOwnerAWSAccountId(accountId)
                        .build();
                current = client.getQueueUrl(request).thenApply(r -> r.queueUrl());
                queueUrl = current;
            }
            return current;
        }
    }

    @Override
    public String destination() {
        return destination;
    }

    @Override
    public void close() {
        client.close();
    }
}
