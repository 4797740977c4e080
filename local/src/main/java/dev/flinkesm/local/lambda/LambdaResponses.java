package dev.flinkesm.local.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bodies and HTTP responses the Invoke API sends, in one place, so the in-process and the process-backed
 * functions answer with the same words (a process-backed function reaches them through {@link Invoke}'s callbacks).
 */
public final class LambdaResponses {

    static final ObjectMapper JSON = new ObjectMapper();

    private LambdaResponses() {}

    /** Lambda's timeout error; the process or handler is past its configured timeout. */
    public static ObjectNode timedOut(String requestId, Duration timeout) {
        return JSON.createObjectNode()
                .put("errorType", "Sandbox.Timedout")
                .put("errorMessage", String.format(
                        "RequestId: %s Error: Task timed out after %.2f seconds", requestId,
                        timeout.toMillis() / 1000.0));
    }

    /** Lambda's unhandled-error body: errorMessage, errorType, stackTrace, and the cause chain. */
    static ObjectNode errorBody(Throwable t) {
        ObjectNode node = JSON.createObjectNode();
        node.put("errorMessage", t.getMessage());
        node.put("errorType", t instanceof InProcessFunction.InjectedFunctionError
                ? "InjectedFunctionError" : t.getClass().getName());
        ArrayNode stack = node.putArray("stackTrace");
        for (StackTraceElement element : t.getStackTrace()) {
            stack.add(element.toString());
        }
        if (t.getCause() != null && t.getCause() != t) {
            node.set("cause", errorBody(t.getCause()));
        }
        return node;
    }

    static ObjectNode tooLargeBody() {
        return JSON.createObjectNode()
                .put("Type", "User")
                .put("message", "Request must be smaller than " + FunctionHost.MAX_REQUEST_BYTES
                        + " bytes for the InvokeFunction operation");
    }

    /** A JSON response; {@code errorType} (may be null) goes in {@code x-amzn-ErrorType}, as Lambda sends it. */
    public static FullHttpResponse json(HttpResponseStatus status, String errorType, ObjectNode body) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(toJson(body)));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        if (errorType != null) {
            response.headers().set("x-amzn-ErrorType", errorType);
        }
        return response;
    }

    /** Sends with Content-Length; closes the connection after it unless the client asked to keep it. */
    public static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (keepAlive) {
            HttpUtil.setKeepAlive(response, true);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    public static byte[] toJson(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (Exception e) {
            return ("{\"errorMessage\":\"could not serialize the error\"}").getBytes(StandardCharsets.UTF_8);
        }
    }

    public static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
