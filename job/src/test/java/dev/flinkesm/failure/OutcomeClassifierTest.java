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
        "413, RequestTooLargeException, PAYLOAD_TOO_LARGE",
        "404, ResourceNotFoundException, STOP_MAPPING",
        "403, AccessDeniedException, STOP_MAPPING",
        "403, UnrecognizedClientException, STOP_MAPPING",
        "400, InvalidParameterValueException, STOP_MAPPING",
        "400, InvalidRequestContentException, STOP_MAPPING",
        "415, UnsupportedMediaTypeException, STOP_MAPPING",
        "502, ResourceNotReadyException, RETRY",
        "502, KMSAccessDeniedException, RETRY",
        "403, EFSMountFailureException, RETRY",
        "408, EFSMountTimeoutException, RETRY",
        "410, EFSIOException, RETRY",
        "400, SnapStartException, RETRY",
        "502, InvalidRuntimeException, RETRY",
    })
    void serviceAnswersAreClassifiedByStatus(int status, String code, Verdict expected) {
        assertThat(OutcomeClassifier.classify(InvokeResult.requestFailure(status, code, "message")))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "HTTP {0} {1} heals by itself and is retried")
    @CsvSource({
        "403, ExpiredTokenException",
        "400, ExpiredTokenException",
        "403, InvalidSignatureException",
        "403, RequestExpired",
        "400, RequestTimeTooSkewed",
    })
    void expiringCredentialsAndClockSkewAreRetriedNotFatal(int status, String code) {
        // Before: every 4xx other than 413/429 stopped the mapping for good, an expired session token included.
        assertThat(OutcomeClassifier.classify(InvokeResult.requestFailure(status, code, "message")))
                .isEqualTo(Verdict.RETRY);
    }

    @Test
    void codesAreMatchedWithoutCaseAsTheSdkModelSpellsSomeDifferently() {
        assertThat(OutcomeClassifier.classify(InvokeResult.requestFailure(502, "Ec2ThrottledException", "m")))
                .isEqualTo(Verdict.RETRY);
        assertThat(OutcomeClassifier.classify(InvokeResult.requestFailure(403, "accessdeniedexception", "m")))
                .isEqualTo(Verdict.STOP_MAPPING);
    }

    @Test
    void anUnknownClientErrorIsRetriedButAnUnknownNotFoundStops() {
        assertThat(OutcomeClassifier.classify(InvokeResult.requestFailure(418, "TeapotException", "m")))
                .isEqualTo(Verdict.RETRY);
        assertThat(OutcomeClassifier.classify(InvokeResult.requestFailure(404, "NoSuchThing", "m")))
                .isEqualTo(Verdict.STOP_MAPPING);
    }

    @Test
    void theProblemTextNamesTheErrorCodeStatusAndMessage() {
        InvokeResult notFound = InvokeResult.requestFailure(404, "ResourceNotFoundException", "Function not found");
        assertThat(OutcomeClassifier.problem(notFound))
                .isEqualTo("ResourceNotFoundException (HTTP 404): Function not found");
    }
}
