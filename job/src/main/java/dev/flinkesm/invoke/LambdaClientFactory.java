package dev.flinkesm.invoke;

import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.aws.AwsService;
import dev.flinkesm.aws.HttpClientKind;
import dev.flinkesm.delivery.Invoker;
import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;

/**
 * The Lambda client of one mapping's function, built by {@link AwsClients} (endpoint, credentials, HTTP client, user
 * agent) in the region the function ARN names, else the SDK's default region chain.
 *
 * <p>Serializable: it travels in the job graph and builds the client on the task manager. It holds no credentials.
 */
public final class LambdaClientFactory implements Serializable {
    private static final long serialVersionUID = 3L;

    /** Lambda functions may run 15 minutes; ESM functions should stay under 14. Give the call that long. */
    public static final Duration DEFAULT_INVOKE_TIMEOUT = Duration.ofMinutes(15);

    private static final Pattern ARN_REGION = Pattern.compile("^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):.*");

    private final String functionName;
    private final AwsClients aws;
    private final int maxConcurrency;
    private final Duration invokeTimeout;
    private final InvokerKind invokerKind;

    public LambdaClientFactory(String functionName, AwsClients aws, int maxConcurrency, Duration invokeTimeout) {
        this(functionName, aws, maxConcurrency, invokeTimeout, InvokerKind.SDK);
    }

    public LambdaClientFactory(String functionName, AwsClients aws, int maxConcurrency, Duration invokeTimeout,
            InvokerKind invokerKind) {
        this.functionName = functionName;
        this.aws = aws;
        this.maxConcurrency = maxConcurrency;
        this.invokeTimeout = invokeTimeout;
        this.invokerKind = invokerKind;
    }

    /** @param endpoint null: the SDK's own endpoint resolution */
    public LambdaClientFactory(String functionName, String endpoint, int maxConcurrency, Duration invokeTimeout) {
        this(functionName, endpoint, maxConcurrency, invokeTimeout, HttpClientKind.CRT);
    }

    /** @param endpoint null: the SDK's own endpoint resolution */
    public LambdaClientFactory(String functionName, String endpoint, int maxConcurrency, Duration invokeTimeout,
            HttpClientKind httpClient) {
        this(functionName, AwsClients.standard().withHttpClient(httpClient).withEndpoint(AwsService.LAMBDA, endpoint),
                maxConcurrency, invokeTimeout);
    }

    public Invoker createInvoker() {
        return switch (invokerKind) {
            case SDK -> new LambdaInvoker(createClient(), functionName);
            case SIGNED_HTTP -> new SignedHttpInvoker(createClient(), functionName, invokeTimeout);
        };
    }

    public InvokerKind invokerKind() {
        return invokerKind;
    }

    /** The client alone (e.g. for {@code GetFunction}); the caller closes it. */
    public LambdaAsyncClient createClient() {
        return aws.lambda(regionOf(functionName), maxConcurrency, invokeTimeout);
    }

    /** The region named by a full function ARN, if it is one. */
    static Optional<Region> regionOf(String functionName) {
        Matcher m = ARN_REGION.matcher(functionName);
        return m.matches() ? Optional.of(Region.of(m.group(1))) : Optional.empty();
    }

    public String functionName() {
        return functionName;
    }
}
