package dev.flinkesm.invoke;

import dev.flinkesm.delivery.Invoker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Sends one event to the function, synchronously as Lambda's poller does ({@code RequestResponse}), and turns every
 * possible answer into an {@link InvokeResult}. It never retries: the SDK's retries are off, because retry policy
 * (whole batch, per partition, with the mapping's limits) belongs to the job.
 */
public final class LambdaInvoker implements Invoker {

    private final LambdaAsyncClient client;
    private final String functionName;

    public LambdaInvoker(LambdaAsyncClient client, String functionName) {
        this.client = client;
        this.functionName = functionName;
    }

    /** The returned future always completes normally. */
    @Override
    public CompletableFuture<InvokeResult> invoke(byte[] event) {
        InvokeRequest request =
                InvokeRequest.builder()
                        .functionName(functionName)
                        .invocationType(InvocationType.REQUEST_RESPONSE)
                        .payload(SdkBytes.fromByteArrayUnsafe(event))
                        .build();
        CompletableFuture<InvokeResponse> call;
        try {
            call = client.invoke(request);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(fromThrowable(e));
        }
        return call.handle((response, error) -> error == null ? fromResponse(response) : fromThrowable(error));
    }

    static InvokeResult fromResponse(InvokeResponse response) {
        byte[] body = response.payload() == null ? new byte[0] : response.payload().asByteArrayUnsafe();
        int status = response.statusCode() == null ? 200 : response.statusCode();
        if (response.functionError() != null) {
            return InvokeResult.functionError(status, response.functionError(), body, response.executedVersion());
        }
        return InvokeResult.success(status, body, response.executedVersion());
    }

    static InvokeResult fromThrowable(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof AwsServiceException) {
            AwsServiceException service = (AwsServiceException) cause;
            String code =
                    service.awsErrorDetails() != null && service.awsErrorDetails().errorCode() != null
                            ? service.awsErrorDetails().errorCode()
                            : cause.getClass().getSimpleName();
            String message =
                    service.awsErrorDetails() != null && service.awsErrorDetails().errorMessage() != null
                            ? service.awsErrorDetails().errorMessage()
                            : service.getMessage();
            return InvokeResult.requestFailure(service.statusCode(), code, message);
        }
        String code = cause instanceof SdkException ? cause.getClass().getSimpleName() : cause.getClass().getName();
        return InvokeResult.requestFailure(InvokeResult.NO_RESPONSE, code, String.valueOf(cause.getMessage()));
    }

    /** Functions an ESM invokes must time out within 14 minutes (AWS's rule for Kafka mappings). */
    public static final Duration MAX_FUNCTION_TIMEOUT = Duration.ofMinutes(14);

    /**
     * The function's configured timeout, from GetFunctionConfiguration; empty if it cannot be read (no permission,
     * an endpoint that only speaks Invoke).
     */
    @Override
    public CompletableFuture<Optional<Duration>> configuredTimeout() {
        try {
            return client.getFunctionConfiguration(r -> r.functionName(functionName))
                    .handle((config, error) -> error != null || config.timeout() == null
                            ? Optional.<Duration>empty()
                            : Optional.of(Duration.ofSeconds(config.timeout())));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public void close() {
        client.close();
    }
}
