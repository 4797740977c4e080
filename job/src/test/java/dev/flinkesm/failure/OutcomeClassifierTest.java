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
    void noResponseAtAllIsBackedOffNotCounted() {
        InvokeResult refused =
                InvokeResult.requestFailure(InvokeResult.NO_RESPONSE, "SdkClientException", "Connection refused");
        assertThat(OutcomeClassifier.classify(refused)).isEqualTo(Verdict.BACKOFF);
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
    @CsvSource({
        "429, TooManyRequestsException, BACKOFF",
        "500, ServiceException, BACKOFF",
        "502, EC2ThrottledException, BACKOFF",
        "503, ServiceException, BACKOFF",
        "409, ResourceConflictException, BACKOFF",
        "413, RequestEntityTooLargeException, PAYLOAD_TOO_LARGE",
        "413, RequestTooLargeException, PAYLOAD_TOO_LARGE",
        "404, ResourceNotFoundException, STOP_MAPPING",
        "403, AccessDeniedException, STOP_MAPPING",
        "403, UnrecognizedClientException, STOP_MAPPING",
        "400, InvalidParameterValueException, STOP_MAPPING",
        "400, InvalidRequestContentException, STOP_MAPPING",
        "415, UnsupportedMediaTypeException, STOP_MAPPING",
        "502, ResourceNotReadyException, BACKOFF",
        "502, KMSAccessDeniedException, BACKOFF",
        "403, EFSMountFailureException, BACKOFF",
        "408, EFSMountTimeoutException, BACKOFF",
        "410, EFSIOException, BACKOFF",
        "400, SnapStartException, BACKOFF",
        "502, InvalidRuntimeException, BACKOFF",
    })
    void serviceAnswersAreClassifiedByStatus(int status, String code, Verdict expected) {
        assertThat(OutcomeClassifier.classify(InvokeResult.requestFailure(status, code, "message")))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "HTTP {0} {1} heals by itself and is backed off")
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
                .isEqualTo(Verdict.BACKOFF);
    }

    @Test
    void codesAreMatchedWithoutCaseAsTheSdkModelSpellsSomeDifferently() {
        assertThat(OutcomeClassifier.classify(InvokeResult.requestFailure(502, "Ec2ThrottledException", "m")))
                .isEqualTo(Verdict.BACKOFF);
        assertThat(OutcomeClassifier.classify(InvokeResult.requestFailure(403, "accessdeniedexception", "m")))
                .isEqualTo(Verdict.STOP_MAPPING);
    }

    @Test
    void anUnknownClientErrorIsRetriedButAnUnknownNotFoundStops() {
        assertThat(OutcomeClassifier.classify(InvokeResult.requestFailure(418, "TeapotException", "m")))
                .isEqualTo(Verdict.BACKOFF);
        assertThat(OutcomeClassifier.classify(InvokeResult.requestFailure(404, "NoSuchThing", "m")))
                .isEqualTo(Verdict.STOP_MAPPING);
    }

    @ParameterizedTest(name = "HTTP {0} {1} is a throttle: {2}")
    @CsvSource({
        "429, TooManyRequestsException, true",
        "429, , true",
        "502, EC2ThrottledException, true",
        "502, Ec2ThrottledException, true",
        "500, ServiceException, false",
        "-1, SdkClientException, false",
    })
    void throttlesAreToldApartForTheConcurrencyLimit(int status, String code, boolean throttle) {
        assertThat(OutcomeClassifier.isThrottle(InvokeResult.requestFailure(status, code, "m"))).isEqualTo(throttle);
    }

    @Test
    void answersFromAFunctionThatRanAreNoThrottle() {
        assertThat(OutcomeClassifier.isThrottle(InvokeResult.success(200, new byte[0], "$LATEST"))).isFalse();
        assertThat(OutcomeClassifier.isThrottle(
                InvokeResult.functionError(200, "Unhandled", "{}".getBytes(), "$LATEST"))).isFalse();
    }

    @Test
    void theProblemTextNamesTheErrorCodeStatusAndMessage() {
        InvokeResult notFound = InvokeResult.requestFailure(404, "ResourceNotFoundException", "Function not found");
        assertThat(OutcomeClassifier.problem(notFound))
                .isEqualTo("ResourceNotFoundException (HTTP 404): Function not found");
    }
}
