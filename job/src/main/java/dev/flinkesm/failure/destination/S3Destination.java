package dev.flinkesm.failure.destination;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * An S3 bucket ({@code arn:aws:s3:::<bucket>}): one object per failed batch holding {@link FailureRecords#s3Record}
 * (the batch record plus the whole event as {@code payload}).
 *
 * <p>Object key, as Lambda names ESM failure objects:
 * {@code aws/lambda/<ESM-UUID>/<topic>-<partition>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<UUID>}, UTC, dated by
 * {@link FailedBatch#failedAt()}. Evidence is thinner here than for the record format: AWS's Kafka pages do not show
 * the key. The form {@code aws/lambda/<UUID>/<shard-id>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<UUID>} is what Lambda writes
 * for stream mappings (recorded from real buckets in awsless's on-failure bucket code, github.com/awsless/awsless,
 * "DynamoDB Stream error: aws/lambda/&lt;UUID&gt;/&lt;shard-id&gt;/..."); for Kafka the shard id's place is taken by
 * the {@code "<topic>-<partition>"} key AWS uses everywhere else. The trailing UUID is the batch's
 * {@link FailedBatch#requestId()}, so retrying a send overwrites the same object instead of adding a second one.
 */
public final class S3Destination implements OnFailureDestination {

    private static final DateTimeFormatter DAY_PATH =
            DateTimeFormatter.ofPattern("uuuu/MM/dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH.mm.ss").withZone(ZoneOffset.UTC);

    private final String destination;
    private final String bucket;
    private final String esmUuid;
    private final S3AsyncClient client;

    public S3Destination(String bucketArn, String bucket, String esmUuid, S3AsyncClient client) {
        this.destination = Objects.requireNonNull(bucketArn, "bucketArn");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.esmUuid = Objects.requireNonNull(esmUuid, "esmUuid");
        this.client = Objects.requireNonNull(client, "client");
    }

    /** The key the failure object of {@code batch} is written under. */
    public String objectKey(FailedBatch batch) {
        return "aws/lambda/" + esmUuid + "/" + batch.topicPartition() + "/" + DAY_PATH.format(batch.failedAt()) + "/"
                + FILE_TIME.format(batch.failedAt()) + "-" + batch.requestId();
    }

    @Override
    public CompletableFuture<Void> send(FailedBatch batch) {
        byte[] body;
        try {
            body = FailureRecords.s3Record(batch);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return client.putObject(
                        b -> b.bucket(bucket)
                                .key(objectKey(batch))
                                .contentType("application/json")
                                .contentLength((long) body.length),
                        AsyncRequestBody.fromBytes(body))
                .thenApply(response -> null);
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
