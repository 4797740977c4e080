package dev.flinkesm.failure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.invoke.InvokeResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutcomeClassifierTest {

    @Test
    void aNormalReturnDeliversTheBatch() {
        assertThat(OutcomeClassifier.classify(InvokeResult.success(200, new byte[0], "$LATEST")))
                .isEqualTo(Verdict.DELIVERED);
    }

    @Test
    void aFunctionErrorRetriesTheWholeBatch() {
        InvokeResult error = InvokeResult.functionError(200, "Unhandled", "{}".getBytes(), "$LATEST");
        assertThat(OutcomeClassifier.classify(error)).isEqualTo(Verdict.RETRY);
    }

    @Test
    void noResponseAtAllIsRetried() {
        InvokeResult refused =
                InvokeResult.requestFailure(InvokeResult.NO_RESPONSE, "SdkClientException", "Connection refused");
        assertThat(OutcomeClassifier.classify(refused)).isEqualTo(Verdict.RETRY);
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
    @CsvSource({
        "429, TooManyRequestsException, RETRY",
        "500, ServiceException, RETRY",
        "502, EC2ThrottledException, RETRY",
        "503, ServiceException, RETRY",
        "409, ResourceConflictException, RETRY",
        "413, RequestEntityTooLargeException, PAYLOAD_TOO_LARGE",
        "404, ResourceNotFoundException, STOP_MAPPING",
        "403, AccessDeniedException, STOP_MAPPING",
        "400, InvalidParameterValueException, STOP_MAPPING",
    })
    void serviceAnswersAreClassifiedByStatus(int status, String code, Verdict expected) {
        assertThat(OutcomeClassifier.classify(InvokeResult.requestFailure(status, code, "message")))
                .isEqualTo(expected);
    }

    @Test
    void theProblemTextNamesTheErrorCodeStatusAndMessage() {
        InvokeResult notFound = InvokeResult.requestFailure(404, "ResourceNotFoundException", "Function not found");
        assertThat(OutcomeClassifier.problem(notFound))
                .isEqualTo("ResourceNotFoundException (HTTP 404): Function not found");
    }
}
