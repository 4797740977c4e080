package dev.flinkesm.local.lambda;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Invoke API request: the checks Lambda makes before any function runs (size, existence, DryRun, injected
 * service errors and throttles), then the function, answered exactly once.
 */
final class InvokeAttempt implements Invoke {

    /** Where answered requests are recorded. */
    interface Recorder {
        void record(InvokeRoute route, long arrivalNanos, Instant arrivedAt, byte[] body, int status, String error);
    }

    private final ChannelHandlerContext ctx;
    private final boolean keepAlive;
    private final InvokeRoute route;
    private final String invocationType;
    private final String clientContext;
    private final byte[] body;
    private final long arrivalNanos;
    private final Instant arrivedAt;
    private final Faults faults;
    private final Recorder recorder;
    private final String requestId = UUID.randomUUID().toString();
    private final AtomicBoolean answered = new AtomicBoolean();

    InvokeAttempt(ChannelHandlerContext ctx, boolean keepAlive, InvokeRoute route, String invocationType,
            String clientContext, byte[] body, long arrivalNanos, Instant arrivedAt, Faults faults,
            Recorder recorder) {
        this.ctx = ctx;
        this.keepAlive = keepAlive;
        this.route = route;
        this.invocationType = invocationType;
        this.clientContext = clientContext;
        this.body = body;
        this.arrivalNanos = arrivalNanos;
        this.arrivedAt = arrivedAt;
        this.faults = faults;
        this.recorder = recorder;
    }

    /** Runs the checks, then hands the invocation to {@code function} (null: not registered). */
    void run(HostedFunction function) {
        if (body.length > FunctionHost.MAX_REQUEST_BYTES) {
            error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "RequestEntityTooLargeException",
                    LambdaResponses.tooLargeBody());
            return;
        }
        if (function == null) {
            error(HttpResponseStatus.NOT_FOUND, "ResourceNotFoundException", LambdaResponses.JSON.createObjectNode()
                    .put("Type", "User").put("message", "Function not found: " + route.invokedArn()));
            return;
        }
        if ("DryRun".equals(invocationType)) {
            answer(HttpResponseStatus.NO_CONTENT, null, new byte[0]);
            return;
        }
        if (faults.takeServerError()) {
            error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "ServiceException",
                    LambdaResponses.JSON.createObjectNode().put("Type", "Service")
                            .put("message", "Injected service error (FunctionHost fault)"));
            return;
        }
        if (faults.takeThrottle()) {
            throttled("ReservedFunctionConcurrentInvocationLimitExceeded");
            return;
        }
        if ("Event".equals(invocationType)) {
            answer(HttpResponseStatus.ACCEPTED, null, new byte[0]); // the function's outcome is then ignored
        }
        function.invoke(this);
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public byte[] payload() {
        return body;
    }

    @Override
    public String invokedArn() {
        return route.invokedArn();
    }

    @Override
    public String clientContext() {
        return clientContext;
    }

    @Override
    public Faults faults() {
        return faults;
    }

    @Override
    public void succeeded(byte[] result) {
        answer(HttpResponseStatus.OK, null, result);
    }

    @Override
    public void failed(byte[] errorJson) {
        answer(HttpResponseStatus.OK, "Unhandled", errorJson);
    }

    @Override
    public void throttled(String reason) {
        error(HttpResponseStatus.TOO_MANY_REQUESTS, "TooManyRequestsException", LambdaResponses.JSON.createObjectNode()
                .put("Reason", reason).put("Type", "User").put("message", "Rate Exceeded."));
    }

    private void error(HttpResponseStatus status, String errorType, ObjectNode errorBody) {
        if (answered.compareAndSet(false, true)) {
            recorder.record(route, arrivalNanos, arrivedAt, body, status.code(), null);
            FullHttpResponse response = LambdaResponses.json(status, errorType, errorBody);
            response.headers().set("x-amzn-RequestId", requestId);
            LambdaResponses.send(ctx, keepAlive, response);
        }
    }

    private void answer(HttpResponseStatus status, String functionError, byte[] payload) {
        if (!answered.compareAndSet(false, true)) {
            return; // already answered (timeout, or an Event invocation)
        }
        recorder.record(route, arrivalNanos, arrivedAt, body, status.code(), functionError);
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(payload));
        response.headers()
                .set("x-amzn-RequestId", requestId)
                .set("X-Amz-Executed-Version", route.qualifier() == null ? "$LATEST" : route.qualifier());
        if (payload.length > 0) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        }
        if (functionError != null) {
            response.headers().set("X-Amz-Function-Error", functionError);
        }
        LambdaResponses.send(ctx, keepAlive, response);
    }
}
