package dev.flinkesm.invoke;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;

/**
 * Asks Lambda about the mapping's function before anything runs, as {@code CreateEventSourceMapping} does:
 * {@code GetFunctionConfiguration} through the client the job invokes with ({@link LambdaClientFactory}: same
 * endpoint, region and credentials). A function that does not exist or that the caller may not see is refused
 * with AWS's error code; so is one whose timeout is over {@link LambdaInvoker#MAX_FUNCTION_TIMEOUT} (AWS's limit
 * for Kafka). When Lambda cannot be asked (no answer, no credentials here, an endpoint that only speaks Invoke),
 * the check says so and refuses nothing: invocations retry until the endpoint answers.
 */
public final class FunctionCheck {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    /** What the check found. */
    public enum Outcome { OK, REFUSED, UNKNOWN }

    /**
     * @param errorCode AWS's error type for a refusal ({@code ResourceNotFoundException},
     *     {@code AccessDeniedException}, {@code InvalidParameterValueException}); null otherwise
     */
    public record Result(Outcome outcome, String errorCode, String message) {
        public boolean refused() {
            return outcome == Outcome.REFUSED;
        }
    }

    private FunctionCheck() {}

    public static Result check(LambdaClientFactory lambda) {
        try (LambdaAsyncClient client = lambda.createClient()) {
            GetFunctionConfigurationResponse config = client
                    .getFunctionConfiguration(r -> r.functionName(lambda.functionName()))
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return judge(lambda.functionName(), config.timeout());
        } catch (ExecutionException e) {
            return fromFailure(lambda.functionName(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Outcome.UNKNOWN, null, "interrupted");
        } catch (Exception e) {
            return fromFailure(lambda.functionName(), e);
        }
    }

    static Result judge(String function, Integer timeoutSeconds) {
        if (timeoutSeconds != null && timeoutSeconds > LambdaInvoker.MAX_FUNCTION_TIMEOUT.toSeconds()) {
            return new Result(Outcome.REFUSED, "InvalidParameterValueException",
                    "Function " + function + " has a timeout of " + timeoutSeconds + " seconds; functions invoked by a "
                            + "Kafka event source mapping must time out within "
                            + LambdaInvoker.MAX_FUNCTION_TIMEOUT.toSeconds() + " seconds (14 minutes)");
        }
        return new Result(Outcome.OK, null, "Function " + function + " exists"
                + (timeoutSeconds == null ? "" : ", timeout " + timeoutSeconds + " s"));
    }

    static Result fromFailure(String function, Throwable failure) {
        if (failure instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() != null && service.awsErrorDetails().errorCode() != null
                    ? service.awsErrorDetails().errorCode() : service.getClass().getSimpleName();
            String message = service.awsErrorDetails() != null && service.awsErrorDetails().errorMessage() != null
                    ? service.awsErrorDetails().errorMessage() : service.getMessage();
            int status = service.statusCode();
            if (status == 404 || status == 403 || status == 401) {
                // No such function (or qualifier), or the caller may not read it: AWS refuses the mapping with it.
                return new Result(Outcome.REFUSED, code, message);
            }
            // 429, 5xx, or an endpoint that does not implement GetFunctionConfiguration (400/405/501).
            return new Result(Outcome.UNKNOWN, code, "Lambda answered " + status + " " + code + ": " + message);
        }
        return new Result(Outcome.UNKNOWN, null, "Lambda could not be asked about " + function + ": " + failure);
    }
}
