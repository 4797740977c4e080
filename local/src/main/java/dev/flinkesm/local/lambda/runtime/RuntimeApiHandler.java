package dev.flinkesm.local.lambda.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkesm.local.lambda.LambdaResponses;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lambda Runtime API (version 2018-06-01) of one execution environment, as the runtime interface client calls
 * it: {@code GET /runtime/invocation/next}, {@code POST /runtime/invocation/{id}/response},
 * {@code POST /runtime/invocation/{id}/error}, {@code POST /runtime/init/error}. Routes each call to its
 * {@link ExecutionEnvironment}.
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

    /** 202 {@code {"status":"OK"}}, as Lambda acknowledges a response or an error. */
    private static void accepted(ChannelHandlerContext ctx, boolean keepAlive) {
        ObjectNode body = ExecutionEnvironment.JSON.createObjectNode().put("status", "OK");
        LambdaResponses.send(ctx, keepAlive, LambdaResponses.json(HttpResponseStatus.ACCEPTED, null, body));
    }

    private static void reply(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status,
            String errorType, String message) {
        ObjectNode body = ExecutionEnvironment.JSON.createObjectNode()
                .put("errorMessage", message).put("errorType", errorType);
        LambdaResponses.send(ctx, keepAlive, LambdaResponses.json(status, null, body));
    }
}
