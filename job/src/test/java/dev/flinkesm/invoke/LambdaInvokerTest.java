package dev.flinkesm.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/** The SDK's own response and exception types, mapped to results. End-to-end against a real endpoint: local/. */
class LambdaInvokerTest {

    @Test
    void aResponseWithoutFunctionErrorIsASuccess() {
        InvokeResponse response = InvokeResponse.builder().statusCode(200).executedVersion("$LATEST")
                .payload(SdkBytes.fromUtf8String("{\"ok\":true}")).build();
        InvokeResult result = LambdaInvoker.fromResponse(response);
        assertThat(result.kind()).isEqualTo(InvokeResult.Kind.SUCCESS);
        assertThat(new String(result.body())).isEqualTo("{\"ok\":true}");
        assertThat(result.executedVersion()).isEqualTo("$LATEST");
    }

    @Test
    void theFunctionErrorHeaderMakesAFunctionError() {
        InvokeResponse response = InvokeResponse.builder().statusCode(200).functionError("Unhandled")
                .payload(SdkBytes.fromUtf8String("{\"errorMessage\":\"boom\"}")).build();
        InvokeResult result = LambdaInvoker.fromResponse(response);
        assertThat(result.kind()).isEqualTo(InvokeResult.Kind.FUNCTION_ERROR);
        assertThat(result.functionError()).isEqualTo("Unhandled");
    }

    @Test
    void aServiceExceptionKeepsStatusAndErrorCode() {
        TooManyRequestsException throttled = TooManyRequestsException.builder().statusCode(429)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("TooManyRequestsException")
                        .errorMessage("Rate Exceeded.").build())
                .build();
        InvokeResult result = LambdaInvoker.fromThrowable(new CompletionException(throttled));
        assertThat(result.kind()).isEqualTo(InvokeResult.Kind.REQUEST_FAILURE);
        assertThat(result.statusCode()).isEqualTo(429);
        assertThat(result.errorCode()).isEqualTo("TooManyRequestsException");
        assertThat(result.message()).isEqualTo("Rate Exceeded.");
    }

    @Test
    void aClientExceptionHasNoStatus() {
        SdkClientException refused = SdkClientException.create("Unable to execute HTTP request",
                new ConnectException("Connection refused"));
        InvokeResult result = LambdaInvoker.fromThrowable(new CompletionException(refused));
        assertThat(result.statusCode()).isEqualTo(InvokeResult.NO_RESPONSE);
        assertThat(result.errorCode()).isEqualTo("SdkClientException");
    }

    @Test
    void theRegionComesFromAFullFunctionArn() {
        assertThat(LambdaClientFactory.regionOf("arn:aws:lambda:eu-west-1:123456789012:function:f:live"))
                .contains(Region.EU_WEST_1);
        assertThat(LambdaClientFactory.regionOf("my-function")).isEmpty();
        assertThat(LambdaClientFactory.regionOf("123456789012:function:f")).isEmpty();
    }
}
