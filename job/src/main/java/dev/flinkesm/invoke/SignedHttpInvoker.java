package dev.flinkesm.invoke;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.delivery.Invoker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.endpoints.LambdaEndpointParams;
import software.amazon.awssdk.services.lambda.endpoints.LambdaEndpointProvider;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Invokes the function with one SigV4-signed {@code POST .../invocations} on the JDK's HTTP client, outside the SDK's
 * request pipeline (marshalling, interceptors, per-call endpoint rules, the async body publisher and its copies),
 * which costs most of the job's CPU per invocation (docs/performance.md). Everything a user relies on still comes
 * from the SDK: the region, the credentials chain and the endpoint override are read from a {@link LambdaAsyncClient}
 * built by {@link AwsClients} like the {@link LambdaInvoker}'s; the regional endpoint comes from the SDK's Lambda
 * endpoint rules; the signature is the SDK's own {@link AwsV4HttpSigner}. That client also answers
 * {@link #configuredTimeout()}. Like the SDK client it never retries.
 *
 * <p>Answers become the same {@link InvokeResult}s as {@link LambdaInvoker}'s, error codes included: the code is the
 * {@code x-amzn-ErrorType} header (what the SDK reads first), else the body's {@code __type}/{@code code}; a call
 * without an answer gets the SDK's exception names ({@code ApiCallTimeoutException}, {@code SdkClientException}), so
 * logs and metrics read the same whichever invoker runs.
 */
public final class SignedHttpInvoker implements Invoker {

    private static final String INVOKE_PATH = "/2015-03-31/functions/%s/invocations";
    /** Headers {@code java.net.http} sets itself and refuses from callers ({@code Host} is signed with the value it sends). */
    private static final Set<String> SET_BY_HTTP_CLIENT = Set.of("host", "content-length", "connection", "expect");

    private final LambdaAsyncClient sdk;
    private final HttpClient http;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final String region;
    private final URI endpoint;
    private final String functionName;
    private final String encodedPath;
    private final Duration invokeTimeout;

    /**
     * @param sdk the Lambda client whose region, credentials and endpoint this invoker uses; closed with it
     */
    public SignedHttpInvoker(LambdaAsyncClient sdk, String functionName, Duration invokeTimeout) {
        this.sdk = sdk;
        this.invokeTimeout = invokeTimeout;
        this.functionName = functionName;
        var config = sdk.serviceClientConfiguration();
        this.credentials = config.credentialsProvider();
        this.region = config.region().id();
        this.endpoint = config.endpointOverride().orElseGet(() -> regionalEndpoint(config.region()));
        this.encodedPath = String.format(INVOKE_PATH, SdkHttpUtils.urlEncode(functionName));
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(AwsClients.CONNECT_TIMEOUT)
                .build();
    }

    private static URI regionalEndpoint(Region region) {
        return LambdaEndpointProvider.defaultProvider()
                .resolveEndpoint(LambdaEndpointParams.builder().region(region).build())
                .join()
                .url();
    }

    /** The returned future always completes normally. */
    @Override
    public CompletableFuture<InvokeResult> invoke(byte[] event) {
        try {
            return credentials.resolveIdentity()
                    .thenCompose(identity -> http.sendAsync(signed(identity, event),
                            HttpResponse.BodyHandlers.ofByteArray()))
                    .handle((response, error) -> error == null ? fromResponse(response) : fromThrowable(error));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(fromThrowable(e));
        }
    }

    private HttpRequest signed(AwsCredentialsIdentity identity, byte[] event) {
        SdkHttpRequest unsigned = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .encodedPath(appendPath(endpoint.getRawPath(), encodedPath))
                .putHeader("X-Amz-Invocation-Type", "RequestResponse")
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", AwsClients.USER_AGENT)
                .putHeader("Content-Length", Integer.toString(event.length))
                .build();
        SdkHttpRequest signed = signer.sign(r -> r.identity(identity)
                        .request(unsigned)
                        .payload(ContentStreamProvider.fromByteArrayUnsafe(event))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region))
                .request();
        HttpRequest.Builder request = HttpRequest.newBuilder(signed.getUri())
                .timeout(invokeTimeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(event));
        signed.forEachHeader((name, values) -> {
            if (!SET_BY_HTTP_CLIENT.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> request.header(name, v));
            }
        });
        return request.build();
    }

    private static String appendPath(String basePath, String path) {
        if (basePath == null || basePath.isEmpty() || basePath.equals("/")) {
            return path;
        }
        return (basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath) + path;
    }

    static InvokeResult fromResponse(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        byte[] body = response.body() == null ? new byte[0] : response.body();
        String executedVersion = header(response, "X-Amz-Executed-Version");
        if (status >= 200 && status < 300) {
            String functionError = header(response, "X-Amz-Function-Error");
            return functionError != null
                    ? InvokeResult.functionError(status, functionError, body, executedVersion)
                    : InvokeResult.success(status, body, executedVersion);
        }
        ErrorBody error = ErrorBody.parse(body);
        String code = Optional.ofNullable(header(response, "x-amzn-ErrorType"))
                .map(SignedHttpInvoker::codeOfErrorType)
                .or(() -> Optional.ofNullable(error.code()))
                .orElse("LambdaException"); // what the SDK names a service error it cannot identify
        return InvokeResult.requestFailure(status, code, error.message() != null ? error.message() : "HTTP " + status);
    }

    /** {@code x-amzn-ErrorType: TooManyRequestsException:http://internal.amazon.com/...} names the code first. */
    static String codeOfErrorType(String errorType) {
        int colon = errorType.indexOf(':');
        return colon < 0 ? errorType.trim() : errorType.substring(0, colon).trim();
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    static InvokeResult fromThrowable(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String code = cause instanceof HttpTimeoutException ? "ApiCallTimeoutException"
                : cause instanceof IOException ? "SdkClientException"
                : cause.getClass().getName();
        return InvokeResult.requestFailure(InvokeResult.NO_RESPONSE, code, String.valueOf(cause));
    }

    @Override
    public CompletableFuture<Optional<Duration>> configuredTimeout() {
        return new LambdaInvoker(sdk, functionName).configuredTimeout();
    }

    @Override
    public void close() {
        sdk.close();
        if (http instanceof AutoCloseable closeable) { // Java 21+; on 17 the client's threads end when it is collected
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing frees threads only
            }
        }
    }

    /** A Lambda error body: {@code {"Type":"User","message":"..."}}, or the {@code __type} of other AWS services. */
    record ErrorBody(String code, String message) {
        private static final ObjectMapper JSON = new ObjectMapper();

        static ErrorBody parse(byte[] body) {
            try {
                Map<?, ?> fields = JSON.readValue(body, Map.class);
                Object type = fields.get("__type") != null ? fields.get("__type") : fields.get("code");
                String code = type == null ? null : type.toString().substring(type.toString().lastIndexOf('#') + 1);
                Object message = first(fields, List.of("message", "Message", "errorMessage"));
                return new ErrorBody(code, message == null ? null : message.toString());
            } catch (IOException | RuntimeException notJson) {
                return new ErrorBody(null, null);
            }
        }

        private static Object first(Map<?, ?> fields, List<String> names) {
            return names.stream().map(fields::get).filter(v -> v != null).findFirst().orElse(null);
        }
    }
}
