package dev.flinkesm.local.lambda.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Lambda Runtime API (version 2018-06-01) of one execution environment, as the runtime interface client calls
 * it: {@code GET /runtime/invocation/next}, {@code POST /runtime/invocation/{id}/response},
 * {@code POST /runtime/invocation/{id}/error}, {@code POST /runtime/init/error}. Routes each call to its
 * {@link ExecutionEnvironment}, and shapes what the runtime gets back.
 */
final class RuntimeApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeApiHandler.class);
    private static final String PREFIX = "/2018-06-01/runtime/";
    private static final String INVOCATION = PREFIX + "invocation/";

    private final ExecutionEnvironment environment;

    RuntimeApiHandler(ExecutionEnvironment environment) {
        this.environment = environment;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpMethod method = request.method();
        if (HttpMethod.GET.equals(method) && path.equals(INVOCATION + "next")) {
            environment.next(ctx, keepAlive);
            return;
        }
        if (HttpMethod.POST.equals(method)) {
            byte[] body = ByteBufUtil.getBytes(request.content());
            if (path.equals(PREFIX + "init/error")) {
                environment.initError(body, request.headers().get(ExecutionEnvironment.ERROR_TYPE_HEADER));
                accepted(ctx, keepAlive);
                return;
            }
            if (path.startsWith(INVOCATION) && (path.endsWith("/response") || path.endsWith("/error"))) {
                String rest = path.substring(INVOCATION.length());
                String requestId = rest.substring(0, rest.lastIndexOf('/'));
                boolean known = path.endsWith("/response")
                        ? environment.response(requestId, body)
                        : environment.error(requestId, body,
                                request.headers().get(ExecutionEnvironment.ERROR_TYPE_HEADER));
                if (known) {
                    accepted(ctx, keepAlive);
                } else {
                    reply(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, "InvalidRequestID",
                            "Invalid request ID: " + requestId);
                }
                return;
            }
        }
        reply(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "NotFound", "Unknown path " + method + " " + path);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Runtime API connection failed", cause);
        ctx.close();
    }

    /**
     * The answer to {@code next}: the request body as the caller sent it, and the headers the runtime interface
     * client reads (request id, deadline, invoked ARN, trace id, client context).
     */
    static FullHttpResponse nextInvocation(RuntimeInvocation invoke, long deadlineMs) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(invoke.payload()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set("Lambda-Runtime-Aws-Request-Id", invoke.requestId())
                .set("Lambda-Runtime-Deadline-Ms", Long.toString(deadlineMs))
                .set("Lambda-Runtime-Invoked-Function-Arn", invoke.invokedArn())
                .set("Lambda-Runtime-Trace-Id", traceId());
        if (invoke.clientContext() != null) {
            response.headers().set("Lambda-Runtime-Client-Context",
                    new String(Base64.getDecoder().decode(invoke.clientContext()), StandardCharsets.UTF_8));
        }
        return response;
    }

    /** Sends with Content-Length; closes the connection after it unless the runtime asked to keep it. */
    static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (keepAlive) {
            HttpUtil.setKeepAlive(response, true);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** 202 {@code {"status":"OK"}}, as Lambda acknowledges a response or an error. */
    private static void accepted(ChannelHandlerContext ctx, boolean keepAlive) {
        ObjectNode body = ExecutionEnvironment.JSON.createObjectNode().put("status", "OK");
        send(ctx, keepAlive, json(HttpResponseStatus.ACCEPTED, body));
    }

    private static void reply(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status,
            String errorType, String message) {
        ObjectNode body = ExecutionEnvironment.JSON.createObjectNode()
                .put("errorMessage", message).put("errorType", errorType);
        send(ctx, keepAlive, json(status, body));
    }

    private static FullHttpResponse json(HttpResponseStatus status, ObjectNode body) {
        byte[] bytes;
        try {
            bytes = ExecutionEnvironment.JSON.writeValueAsBytes(body);
        } catch (Exception e) {
            bytes = "{\"errorMessage\":\"could not serialize the reply\"}".getBytes(StandardCharsets.UTF_8);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        return response;
    }

    /** An X-Ray trace header of the form Lambda sends (not sampled: nothing records it). */
    private static String traceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("Root=1-%08x-%012x%012x;Parent=%016x;Sampled=0",
                System.currentTimeMillis() / 1000, random.nextLong(1L << 48), random.nextLong(1L << 48),
                random.nextLong() & Long.MAX_VALUE);
    }
}
