package dev.flinkesm.cli.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.flinkesm.cli.api.ApiError.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda's REST routes for event source mappings: authenticate (SigV4), admit (at most N requests at once, else
 * TooManyRequestsException), route, answer with Lambda's status codes and error shape. One log line per request:
 * method, path, status, error type and the caller's access key id (never a secret, a query or a body).
 */
public final class MappingApi implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MappingApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String COLLECTION = "/2015-03-31/event-source-mappings";
    static final String TAGS = "/2017-03-31/tags/";
    private static final Pattern ONE = Pattern.compile(COLLECTION + "/([^/]+)/?");
    /** Lambda's synchronous request limit; a mapping is a few KB. */
    static final int MAX_BODY_BYTES = 6 * 1024 * 1024;

    private final MappingOperations operations;
    private final SigV4Verifier verifier;
    private final Semaphore admitted;

    public MappingApi(MappingOperations operations, SigV4Verifier verifier, int maxConcurrentRequests) {
        this.operations = operations;
        this.verifier = verifier;
        this.admitted = new Semaphore(maxConcurrentRequests);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String requestId = UUID.randomUUID().toString();
        String caller = "-";
        int status;
        String errorType = null;
        byte[] answer;
        try {
            ReceivedRequest request = read(exchange);
            caller = verifier.verify(request);
            if (!admitted.tryAcquire()) {
                throw new ApiException("TooManyRequestsException", "Rate exceeded");
            }
            try {
                Answer a = route(request);
                status = a.status;
                answer = JSON.writeValueAsBytes(a.body);
            } finally {
                admitted.release();
            }
        } catch (Throwable t) {
            ApiError error = ApiError.from(t);
            if (error.status() >= 500) {
                if (t instanceof dev.flinkesm.cli.EsmError || t instanceof dev.flinkesm.cli.FlinkRest.HttpError) {
                    LOG.warn("request {} failed: {}", requestId, t.getMessage());
                } else {
                    LOG.warn("request {} failed", requestId, t); // unexpected: the trace is what tells why
                }
            }
            status = error.status();
            errorType = error.type();
            exchange.getResponseHeaders().set("x-amzn-ErrorType", error.type());
            answer = JSON.writeValueAsBytes(
                    JSON.createObjectNode().put("Type", error.kind()).put("message", error.message()));
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        exchange.sendResponseHeaders(status, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
        LOG.info("{} {} -> {}{} key={} request={}", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                status, errorType == null ? "" : " " + errorType, caller, requestId);
    }

    private record Answer(int status, ObjectNode body) {}

    /** The operation a request names: Lambda's method and path per operation. */
    Answer route(ReceivedRequest request) {
        String path = request.path();
        String method = request.methodUpper();
        if (path.equals(COLLECTION) || path.equals(COLLECTION + "/")) {
            switch (method) {
                case "POST":
                    return new Answer(202, operations.create(request.bodyText()));
                case "GET":
                    return new Answer(200, operations.list(ListQuery.from(request)));
                default:
                    throw unknown(method, path);
            }
        }
        Matcher one = ONE.matcher(path);
        if (one.matches()) {
            String uuid = one.group(1);
            switch (method) {
                case "GET":
                    return new Answer(200, operations.get(uuid));
                case "PUT":
                    return new Answer(202, operations.update(uuid, request.bodyText()));
                case "DELETE":
                    return new Answer(202, operations.delete(uuid));
                default:
                    throw unknown(method, path);
            }
        }
        if (method.equals("GET") && path.startsWith(TAGS)) {
            // ListTags on a mapping's ARN: Terraform's provider reads tags after every create and refresh. Tags
            // have no effect off AWS (the parser warns and drops them), so a mapping has none.
            return new Answer(200, JSON.createObjectNode().set("Tags", JSON.createObjectNode()));
        }
        throw unknown(method, path);
    }

    private static ApiException unknown(String method, String path) {
        return new ApiException("UnknownOperationException", "This server has only the event source mapping "
                + "operations; " + method + " " + path + " is not one of them");
    }

    private static ReceivedRequest read(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new ApiException("RequestTooLargeException", "Request must be smaller than " + MAX_BODY_BYTES
                    + " bytes for the CreateEventSourceMapping operation");
        }
        return new ReceivedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
    }
}
