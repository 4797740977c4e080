package dev.flinkesm.failure.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.aws.AwsService;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The S3 destination with the real SDK client against S3Proxy (transient, in-memory blob store) on a free port. */
class S3DestinationTest {
    private static final String ESM_UUID = "14e0db71-5d35-4eb5-b481-8945cf9d10c2";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static BlobStoreContext blobs;
    private static S3Proxy proxy;
    private static String endpoint;
    private static S3Client admin;

    @BeforeAll
    static void startS3Proxy() throws Exception {
        LocalAws.useFakeCredentials();
        long t0 = System.nanoTime();
        blobs = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(blobs.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, LocalAws.ACCESS_KEY, LocalAws.SECRET_KEY)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        System.out.printf("S3Proxy started on port %d in %d ms%n", proxy.getPort(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        endpoint = "http://127.0.0.1:" + proxy.getPort();
        admin = S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .forcePathStyle(true)
                // S3Proxy does not implement the SDK's default checksum headers
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    @AfterAll
    static void stopS3Proxy() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (proxy != null) {
            proxy.stop();
        }
        if (blobs != null) {
            blobs.close();
        }
        LocalAws.restore();
    }

    private static OnFailureDestination destination(String bucket, String s3Endpoint) {
        return OnFailureDestinations.create("arn:aws:s3:::" + bucket,
                new DestinationContext(ESM_UUID, new Properties(), AwsClients.standard().withEndpoint(AwsService.S3, s3Endpoint)));
    }

    @Test
    void writesOneObjectUnderAwsKeyWithTheRecordAndThePayload() throws Exception {
        admin.createBucket(b -> b.bucket("failures"));
        FailedBatch batch = FailedBatches.exhausted(FailedBatches.MSK, 3);

        try (OnFailureDestination dlq = destination("failures", endpoint)) {
            dlq.send(batch).get(30, TimeUnit.SECONDS);
        }

        var listing = admin.listObjectsV2(b -> b.bucket("failures")).contents();
        assertThat(listing).extracting(S3Object::key).containsExactly("aws/lambda/" + ESM_UUID
                + "/orders-3/2024/03/05/2024-03-05T07.08.09-" + batch.requestId());
        ResponseBytes<GetObjectResponse> object =
                admin.getObjectAsBytes(b -> b.bucket("failures").key(listing.get(0).key()));
        assertThat(object.asByteArray()).isEqualTo(FailureRecords.s3Record(batch));
        assertThat(object.response().contentType()).isEqualTo("application/json");
        JsonNode record = MAPPER.readTree(object.asByteArray());
        assertThat(record.get("payload").asText().getBytes(StandardCharsets.UTF_8)).isEqualTo(batch.event());
        assertThat(record.get("KafkaBatchInfo").get("eventSourceArn").asText()).isEqualTo(FailedBatches.MSK_ARN);
    }

    @Test
    void resendingTheSameBatchOverwritesItsObject() throws Exception {
        admin.createBucket(b -> b.bucket("resends"));
        FailedBatch batch = FailedBatches.oversized(FailedBatches.SELF_MANAGED);
        try (OnFailureDestination dlq = destination("resends", endpoint)) {
            dlq.send(batch).get(30, TimeUnit.SECONDS);
            dlq.send(batch).get(30, TimeUnit.SECONDS);
        }
        assertThat(admin.listObjectsV2(b -> b.bucket("resends")).contents()).hasSize(1);
    }

    @Test
    void aMissingBucketFailsTheSend() {
        try (OnFailureDestination dlq = destination("no-such-bucket", endpoint)) {
            assertThatThrownBy(() -> dlq.send(FailedBatches.oversized(FailedBatches.SELF_MANAGED))
                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("NoSuchBucket");
        }
    }

    @Test
    void anEndpointThatIsDownFailsTheSend() throws Exception {
        try (OnFailureDestination dlq = destination("failures", LocalAws.deadEndpoint())) {
            assertThatThrownBy(() -> dlq.send(FailedBatches.oversized(FailedBatches.SELF_MANAGED))
                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class);
        }
    }
}
