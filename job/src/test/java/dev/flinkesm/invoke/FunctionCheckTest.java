package dev.flinkesm.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.lambda.model.LambdaException;

/** What each answer to GetFunctionConfiguration means for a mapping about to be created or started. */
class FunctionCheckTest {

    private static LambdaException answer(int status, String code, String message) {
        return (LambdaException) LambdaException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    @Test
    void aCallerThatMayNotReadTheFunctionIsRefusedWithAwsCode() {
        FunctionCheck.Result r = FunctionCheck.fromFailure("f", answer(403, "AccessDeniedException",
                "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: lambda:GetFunctionConfiguration"));
        assertThat(r.refused()).isTrue();
        assertThat(r.errorCode()).isEqualTo("AccessDeniedException");
        assertThat(r.message()).startsWith("User: arn:aws:iam::123456789012:user/ci is not authorized");
    }

    @Test
    void aMissingFunctionIsRefused() {
        FunctionCheck.Result r = FunctionCheck.fromFailure("f",
                answer(404, "ResourceNotFoundException", "Function not found: arn:aws:lambda:eu-west-1:1:function:f"));
        assertThat(r.refused()).isTrue();
        assertThat(r.errorCode()).isEqualTo("ResourceNotFoundException");
    }

    @Test
    void throttlingServerErrorsAndNoAnswerRefuseNothing() {
        assertThat(FunctionCheck.fromFailure("f", answer(429, "TooManyRequestsException", "Rate exceeded"))
                .outcome()).isEqualTo(FunctionCheck.Outcome.UNKNOWN);
        assertThat(FunctionCheck.fromFailure("f", answer(500, "ServiceException", "oops")).outcome())
                .isEqualTo(FunctionCheck.Outcome.UNKNOWN);
        assertThat(FunctionCheck.fromFailure("f", SdkClientException.create("Unable to load region")).outcome())
                .isEqualTo(FunctionCheck.Outcome.UNKNOWN);
    }

    @Test
    void fourteenMinutesIsTheLongestTimeoutAccepted() {
        assertThat(FunctionCheck.judge("f", 840).outcome()).isEqualTo(FunctionCheck.Outcome.OK);
        FunctionCheck.Result tooLong = FunctionCheck.judge("f", 841);
        assertThat(tooLong.refused()).isTrue();
        assertThat(tooLong.errorCode()).isEqualTo("InvalidParameterValueException");
    }
}
