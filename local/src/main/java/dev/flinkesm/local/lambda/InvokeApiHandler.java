package dev.flinkesm.local.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * Routes the Lambda API requests a {@link FunctionHost} answers: {@code POST .../invocations} (Invoke) to an
 * {@link InvokeAttempt} on the registered function, {@code GET .../configuration} (GetFunctionConfiguration), and 404
 * {@code UnknownOperationException} for anything else.
 */
final class InvokeApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(InvokeApiHandler.class);
    private static final ObjectMapper JSON = LambdaResponses.JSON;
    /** Accept a bit more than the limit so the 413 is ours, with Lambda's error body, not Netty's. */
    private static final int AGGREGATOR_LIMIT = FunctionHost.MAX_REQUEST_BYTES + 1024 * 1024;

    private final FunctionRegistry registry;

    InvokeApiHandler(FunctionRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        long arrivalNanos = System.nanoTime();
        Instant arrivedAt = Instant.now();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (HttpMethod.GET.equals(request.method())) {
            getFunctionConfiguration(ctx, keepAlive, request);
            return;
        }
        InvokeRoute route = InvokeRoute.of(request);
        if (route == null) {
            ObjectNode body = JSON.createObjectNode().put("message", "Unknown operation "
                    + request.method() + " " + new QueryStringDecoder(request.uri()).path());
            respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "UnknownOperationException", body);
            return;
        }
        byte[] body = ByteBufUtil.getBytes(request.content());
        InvokeAttempt attempt = new InvokeAttempt(ctx, keepAlive, route,
                request.headers().get("X-Amz-Invocation-Type", "RequestResponse"),
                request.headers().get("X-Amz-Client-Context"), body, arrivalNanos, arrivedAt,
                registry.faults(route.name()), registry::record);
        attempt.run(registry.function(route.name()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Function host connection failed", cause);
        ctx.close();
    }

    /**
     * {@code GET /2015-03-31/functions/{name}/configuration} (GetFunctionConfiguration): enough of Lambda's answer for
     * callers that check a function's timeout.
     */
    private void getFunctionConfiguration(ChannelHandlerContext ctx, boolean keepAlive, HttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        String name = InvokeRoute.configurationTarget(path);
        HostedFunction function = name == null ? null : registry.function(name);
        if (function == null) {
            respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "ResourceNotFoundException",
                    JSON.createObjectNode().put("Type", "User").put("message", "Function not found: " + path));
            return;
        }
        ObjectNode body = JSON.createObjectNode()
                .put("FunctionName", function.name())
                .put("FunctionArn", FunctionHost.functionArn(function.name()))
                .put("Runtime", function.runtime())
                .put("Timeout", (int) Math.max(1, function.timeout().toSeconds()))
                .put("Version", "$LATEST")
                .put("State", "Active");
        respond(ctx, keepAlive, HttpResponseStatus.OK, null, body);
    }

    private static void respond(
            ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String errorType,
            ObjectNode body) {
        LambdaResponses.send(ctx, keepAlive, LambdaResponses.json(status, errorType, body));
    }

    /** Answers an over-limit body with Lambda's 413 instead of Netty's empty one. */
    static final class LambdaSizedAggregator extends HttpObjectAggregator {

        private final FunctionRegistry registry;

        LambdaSizedAggregator(FunctionRegistry registry) {
            super(AGGREGATOR_LIMIT);
            this.registry = registry;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            if (oversized instanceof HttpRequest request) {
                InvokeRoute route = InvokeRoute.of(request);
                if (route != null) {
                    registry.record(route, System.nanoTime(), Instant.now(), new byte[0], 413, null);
                }
            }
            FullHttpResponse response = LambdaResponses.json(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "RequestEntityTooLargeException", LambdaResponses.tooLargeBody());
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
