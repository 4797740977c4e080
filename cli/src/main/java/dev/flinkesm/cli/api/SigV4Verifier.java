package dev.flinkesm.cli.api;

import dev.flinkesm.cli.api.ApiError.ApiException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;

/**
 * Verifies AWS Signature Version 4 the only way that does not re-implement it: the request is rebuilt from what
 * arrived (method, path and query as sent, exactly the headers the client says it signed, the body), signed again
 * with the AWS SDK v2's own signer ({@code Aws4Signer}) using the secret of the claimed access key, the credential scope's region and
 * service, and a clock stopped at the request's {@code X-Amz-Date}; the two signatures must be equal.
 *
 * <p>Refusals are AWS's: no signature or an unknown key is {@code UnrecognizedClientException}; a signature that
 * does not match, a malformed header, or a request time more than 5 minutes from the server's clock is
 * {@code InvalidSignatureException}; all 403. Nothing here logs or returns a secret.
 */
public final class SigV4Verifier {
    /** AWS refuses requests whose signing time is further than this from its own clock. */
    public static final Duration MAX_SKEW = Duration.ofMinutes(5);

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request\\s*,"
                    + "\\s*SignedHeaders=([^,\\s]+)\\s*,\\s*Signature=([0-9a-f]{64})\\s*");
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private static final String SIGNATURE_MISMATCH = "The request signature we calculated does not match the "
            + "signature you provided. Check your AWS Secret Access Key and signing method. Consult the service "
            + "documentation for details.";

    private final AccessKeys keys;
    private final Clock clock;
    private final String service;
    /**
     * The SDK's {@code Aws4Signer}, not its successor {@code AwsV4HttpSigner}: the successor always adds and signs
     * {@code x-amz-content-sha256}, which botocore (the AWS CLI, boto3) does not send for Lambda, so it cannot
     * reproduce their signatures; {@code Aws4Signer} signs exactly the headers it is given.
     */
    @SuppressWarnings("deprecation")
    private final Aws4Signer signer = Aws4Signer.create();

    public SigV4Verifier(AccessKeys keys, Clock clock, String service) {
        this.keys = keys;
        this.clock = clock;
        this.service = service;
    }

    /** The verified caller's access key id; throws {@link ApiException} with AWS's error when not verified. */
    public String verify(ReceivedRequest request) {
        String authorization = request.header("Authorization").orElseThrow(() -> new ApiException(
                "UnrecognizedClientException", "Missing Authentication Token: the request must be signed with "
                        + "AWS Signature Version 4"));
        Matcher m = AUTHORIZATION.matcher(authorization.trim());
        if (!m.matches()) {
            throw new ApiException("InvalidSignatureException",
                    "Authorization header is not an AWS4-HMAC-SHA256 signature (Credential=, SignedHeaders=, "
                            + "Signature=)");
        }
        String accessKeyId = m.group(1);
        String scopeDate = m.group(2);
        String region = m.group(3);
        String scopeService = m.group(4);
        List<String> signedHeaders = Arrays.asList(m.group(5).toLowerCase(Locale.ROOT).split(";"));
        String signature = m.group(6);

        String secret = keys.secretFor(accessKeyId).orElseThrow(() -> new ApiException(
                "UnrecognizedClientException", "The security token included in the request is invalid."));
        if (!scopeService.equals(service)) {
            throw new ApiException("InvalidSignatureException", "Credential should be scoped to correct service: '"
                    + service + "'.");
        }
        if (!signedHeaders.contains("host")) {
            throw new ApiException("InvalidSignatureException", "'Host' must be a 'SignedHeader' in the AWS "
                    + "Authorization.");
        }
        Instant signedAt = signingTime(request);
        if (!AMZ_DATE.format(signedAt).startsWith(scopeDate)) {
            throw new ApiException("InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD "
                    + "from ISO-8601 version of date from HTTP: '" + scopeDate + "' != '"
                    + AMZ_DATE.format(signedAt).substring(0, 8) + "'");
        }
        checkSkew(signedAt);

        String expected = signatureOf(resign(request, signedHeaders, accessKeyId, secret, region, signedAt));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            throw new ApiException("InvalidSignatureException", SIGNATURE_MISMATCH);
        }
        return accessKeyId;
    }

    private Instant signingTime(ReceivedRequest request) {
        String date = request.header("X-Amz-Date").orElseThrow(() -> new ApiException("InvalidSignatureException",
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."));
        try {
            return Instant.from(AMZ_DATE.parse(date.trim()));
        } catch (DateTimeParseException e) {
            throw new ApiException("InvalidSignatureException", "X-Amz-Date is not of the form yyyyMMddTHHmmssZ");
        }
    }

    private void checkSkew(Instant signedAt) {
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            throw new ApiException("InvalidSignatureException", "Signature expired: " + AMZ_DATE.format(signedAt)
                    + " is now earlier than " + AMZ_DATE.format(now.minus(MAX_SKEW)) + " ("
                    + AMZ_DATE.format(now) + " - 5 min.)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            throw new ApiException("InvalidSignatureException", "Signature not yet current: "
                    + AMZ_DATE.format(signedAt) + " is still later than " + AMZ_DATE.format(now.plus(MAX_SKEW))
                    + " (" + AMZ_DATE.format(now) + " + 5 min.)");
        }
    }

    private SdkHttpFullRequest resign(ReceivedRequest request, List<String> signedHeaders, String accessKeyId,
            String secret, String region, Instant signedAt) {
        String host = request.header("Host").orElse("localhost");
        URI authority = URI.create("http://" + host);
        SdkHttpFullRequest.Builder rebuilt = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(request.methodUpper()))
                .protocol("http")
                .host(authority.getHost())
                .port(authority.getPort())
                .encodedPath(request.rawPath());
        for (Map.Entry<String, List<String>> q : request.queryParameters().entrySet()) {
            rebuilt.putRawQueryParameter(q.getKey(), q.getValue());
        }
        for (String name : signedHeaders) {
            List<String> values = request.headers().get(name);
            if (values != null) {
                rebuilt.putHeader(name, values);
            }
        }
        byte[] body = request.body();
        rebuilt.contentStreamProvider(ContentStreamProvider.fromByteArrayUnsafe(body));
        return signer.sign(rebuilt.build(), Aws4SignerParams.builder()
                .awsCredentials(AwsBasicCredentials.create(accessKeyId, secret))
                .signingName(service)
                .signingRegion(Region.of(region))
                .signingClockOverride(Clock.fixed(signedAt, ZoneOffset.UTC))
                .build());
    }

    private static String signatureOf(SdkHttpFullRequest signed) {
        Optional<String> authorization = signed.firstMatchingHeader("Authorization");
        Matcher m = AUTHORIZATION.matcher(authorization.orElse(""));
        if (!m.matches()) {
            throw new IllegalStateException("the SDK's signer gave no AWS4-HMAC-SHA256 Authorization header");
        }
        return m.group(6);
    }
}
