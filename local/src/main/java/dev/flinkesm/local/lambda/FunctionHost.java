package dev.flinkesm.local.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the Lambda Invoke API ({@code POST /2015-03-31/functions/{name}/invocations}) on a local port, running
 * registered Java handlers in this JVM. Point the real AWS SDK client at {@link #endpoint()}.
 *
 * <p>Responses are shaped as Lambda sends them, so the SDK maps them to the same results and exceptions:
 *
 * <ul>
 *   <li>200 + the handler's JSON, {@code X-Amz-Executed-Version} = the qualifier or {@code $LATEST};
 *   <li>handler exception or timeout: 200 + {@code X-Amz-Function-Error: Unhandled} + {@code errorMessage},
 *       {@code errorType}, {@code stackTrace};
 *   <li>unknown function: 404 {@code ResourceNotFoundException}; body over {@value #MAX_REQUEST_BYTES} bytes: 413
 *       {@code RequestEntityTooLargeException}; throttled: 429 {@code TooManyRequestsException}; injected server
 *       error: 500 {@code ServiceException} (error type in {@code x-amzn-ErrorType}, as Lambda sends it);
 *   <li>{@code X-Amz-Invocation-Type: Event} → 202 then the handler runs; {@code DryRun} → 204, no handler.
 * </ul>
 *
 * <p>Handlers run on a worker pool of up to {@value #MAX_CONCURRENCY} threads, never on the Netty event loop;
 * when all are busy the host answers 429 like a function at its concurrency limit. Every answered request is
 * recorded (see {@link #invocations(String)}); faults are injected per function with {@link #faults(String)}.
 */
public final class FunctionHost implements AutoCloseable {

    /** Lambda's synchronous invoke request limit. */
    public static final int MAX_REQUEST_BYTES = 6_291_456;
    public static final int MAX_CONCURRENCY = 1000;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final String REGION = "us-east-1";
    public static final String ACCOUNT_ID = "123456789012";

    private static final Logger LOG = LoggerFactory.getLogger(FunctionHost.class);
    private static final String PATH_PREFIX = "/2015-03-31/functions/";
    private static final String PATH_SUFFIX = "/invocations";
    private static final String LOOPBACK = "127.0.0.1";
    /** Accept a bit more than the limit so the 413 is ours, with Lambda's error body, not Netty's. */
    private static final int AGGREGATOR_LIMIT = MAX_REQUEST_BYTES + 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger HOST_IDS = new AtomicInteger();

    private final Map<String, Registered> functions = new ConcurrentHashMap<>();
    private final Map<String, Faults> faults = new ConcurrentHashMap<>();
    private final Map<String, Queue<Invocation>> invocations = new ConcurrentHashMap<>();
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup ioGroup;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor timeouts;
    private final ServerBootstrap bootstrap;
    private volatile boolean recording = true;
    /** Called for every answered request, recording on or off (e.g. to append deliveries to a file). */
    private volatile java.util.function.Consumer<Invocation> listener;
    private volatile int port;
    private Channel serverChannel;
    private boolean closed;

    private record Registered(String name, HandlerAdapter adapter, Duration timeout) {}

    private record Route(String name, String qualifier) {}

    private FunctionHost() {
        int id = HOST_IDS.incrementAndGet();
        this.bossGroup = new NioEventLoopGroup(1, daemonThreads("function-host-" + id + "-accept"));
        this.ioGroup = new NioEventLoopGroup(2, daemonThreads("function-host-" + id + "-io"));
        this.workers = new ThreadPoolExecutor(
                0, MAX_CONCURRENCY, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemonThreads("function-host-" + id + "-worker"));
        this.timeouts = new ScheduledThreadPoolExecutor(1, daemonThreads("function-host-" + id + "-timeouts"));
        this.timeouts.setRemoveOnCancelPolicy(true);
        this.bootstrap = new ServerBootstrap()
                .group(bossGroup, ioGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        channel.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new LambdaSizedAggregator())
                                .addLast(new InvokeHandler());
                    }
                });
    }

    /** Starts a host on {@code 127.0.0.1:port}; port 0 picks a free port. */
    public static FunctionHost start(int port) {
        FunctionHost host = new FunctionHost();
        try {
            host.bind(port);
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
        LOG.info("Function host listening on {}", host.endpoint());
        return host;
    }

    /** {@code http://127.0.0.1:PORT}, for {@code endpointOverride}. */
    public URI endpoint() {
        return URI.create("http://" + LOOPBACK + ":" + port);
    }

    public int port() {
        return port;
    }

    /** The ARN Lambda would report for a function of this name. */
    public static String functionArn(String functionName) {
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT_ID + ":function:" + functionName;
    }

    /** Registers (or replaces) a function with the default timeout of {@link #DEFAULT_TIMEOUT}. */
    public void register(String functionName, Object handler) {
        register(functionName, handler, DEFAULT_TIMEOUT);
    }

    /**
     * Registers (or replaces) a function. {@code handler} is a {@code RequestHandler<I, O>} or a
     * {@code RequestStreamHandler}. After {@code timeout} the caller gets Lambda's timeout error (the handler
     * thread is not interrupted).
     */
    public void register(String functionName, Object handler, Duration timeout) {
        Objects.requireNonNull(functionName, "functionName");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        functions.put(functionName, new Registered(functionName, HandlerAdapter.of(handler), timeout));
    }

    /** The faults for this function (created on first use, also for names not registered yet). */
    public Faults faults(String functionName) {
        return faults.computeIfAbsent(functionName, name -> new Faults());
    }

    /** Every answered request for this function, in arrival order (a thread-safe snapshot). */
    public List<Invocation> invocations(String functionName) {
        Queue<Invocation> recorded = invocations.get(functionName);
        if (recorded == null) {
            return List.of();
        }
        List<Invocation> snapshot = new ArrayList<>(recorded);
        snapshot.sort(Comparator.comparingLong(Invocation::arrivalNanos));
        return List.copyOf(snapshot);
    }

    public void clearInvocations() {
        invocations.clear();
    }

    /** Recording is on by default; turn it off for benchmarks so request bodies are not kept. */
    public void recording(boolean enabled) {
        this.recording = enabled;
    }

    /**
     * Calls {@code listener} for every answered request, before the response is sent, whether or not recording is
     * on; null removes it. The listener runs on the answering thread: keep it short.
     */
    public void onAnswered(java.util.function.Consumer<Invocation> listener) {
        this.listener = listener;
    }

    /** Closes the listening socket and every open connection: clients now get "connection refused". */
    public synchronized void goDown() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
            serverChannel = null;
        }
        connections.close().syncUninterruptibly();
        LOG.info("Function host on port {} is down", port);
    }

    /** Binds the same port again after {@link #goDown()}. */
    public synchronized void comeUp() {
        if (closed) {
            throw new IllegalStateException("This function host is closed");
        }
        if (serverChannel == null) {
            bind(port);
            LOG.info("Function host on port {} is up again", port);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        goDown();
        workers.shutdownNow();
        timeouts.shutdownNow();
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private synchronized void bind(int requestedPort) {
        try {
            serverChannel = bootstrap.bind(new InetSocketAddress(LOOPBACK, requestedPort)).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while binding port " + requestedPort, e);
        }
        port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    // ---- request handling ----

    private final class InvokeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            long arrivalNanos = System.nanoTime();
            Instant arrivedAt = Instant.now();
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (HttpMethod.GET.equals(request.method())) {
                getFunctionConfiguration(ctx, keepAlive, request);
                return;
            }
            Route route = route(request);
            if (route == null) {
                ObjectNode body = JSON.createObjectNode().put("message", "Unknown operation "
                        + request.method() + " " + new QueryStringDecoder(request.uri()).path());
                respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "UnknownOperationException", body);
                return;
            }
            byte[] body = ByteBufUtil.getBytes(request.content());
            String invocationType = request.headers().get("X-Amz-Invocation-Type", "RequestResponse");
            Attempt attempt = new Attempt(ctx, keepAlive, route, invocationType, body, arrivalNanos, arrivedAt);
            try {
                workers.execute(attempt::run);
            } catch (RejectedExecutionException e) {
                attempt.rejected();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("Function host connection failed", cause);
            ctx.close();
        }
    }

    /**
     * {@code GET /2015-03-31/functions/{name}/configuration} (GetFunctionConfiguration): enough of Lambda's answer for
     * callers that check a function's timeout.
     */
    private void getFunctionConfiguration(ChannelHandlerContext ctx, boolean keepAlive, HttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        String suffix = "/configuration";
        String name = path.startsWith(PATH_PREFIX) && path.endsWith(suffix)
                ? path.substring(PATH_PREFIX.length(), path.length() - suffix.length()) : null;
        if (name != null && name.contains(":")) {
            String[] parts = name.split(":");
            name = parts.length >= 7 ? parts[6] : parts.length >= 3 && parts[1].equals("function") ? parts[2] : parts[0];
        }
        Registered function = name == null ? null : functions.get(name);
        if (function == null) {
            respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "ResourceNotFoundException",
                    JSON.createObjectNode().put("Type", "User").put("message", "Function not found: " + path));
            return;
        }
        ObjectNode body = JSON.createObjectNode()
                .put("FunctionName", function.name())
                .put("FunctionArn", functionArn(function.name()))
                .put("Runtime", "java17")
                .put("Timeout", (int) Math.max(1, function.timeout().toSeconds()))
                .put("Version", "$LATEST")
                .put("State", "Active");
        respond(ctx, keepAlive, HttpResponseStatus.OK, null, body);
    }

    /** Answers an over-limit body with Lambda's 413 instead of Netty's empty one. */
    private final class LambdaSizedAggregator extends HttpObjectAggregator {

        LambdaSizedAggregator() {
            super(AGGREGATOR_LIMIT);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            if (oversized instanceof HttpRequest request) {
                Route route = route(request);
                if (route != null) {
                    record(route, System.nanoTime(), Instant.now(), new byte[0], 413, null);
                }
            }
            FullHttpResponse response = errorResponse(
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "RequestEntityTooLargeException", tooLargeBody());
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** One invoke request, run on a worker thread. */
    private final class Attempt {
        private final ChannelHandlerContext ctx;
        private final boolean keepAlive;
        private final Route route;
        private final String invocationType;
        private final byte[] body;
        private final long arrivalNanos;
        private final Instant arrivedAt;
        private final String requestId = UUID.randomUUID().toString();
        private final AtomicBoolean answered = new AtomicBoolean();

        Attempt(ChannelHandlerContext ctx, boolean keepAlive, Route route, String invocationType, byte[] body,
                long arrivalNanos, Instant arrivedAt) {
            this.ctx = ctx;
            this.keepAlive = keepAlive;
            this.route = route;
            this.invocationType = invocationType;
            this.body = body;
            this.arrivalNanos = arrivalNanos;
            this.arrivedAt = arrivedAt;
        }

        void run() {
            if (body.length > MAX_REQUEST_BYTES) {
                error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "RequestEntityTooLargeException", tooLargeBody());
                return;
            }
            Registered function = functions.get(route.name());
            if (function == null) {
                String arn = functionArn(route.name())
                        + (route.qualifier() == null ? "" : ":" + route.qualifier());
                error(HttpResponseStatus.NOT_FOUND, "ResourceNotFoundException",
                        JSON.createObjectNode().put("Type", "User").put("message", "Function not found: " + arn));
                return;
            }
            if ("DryRun".equals(invocationType)) {
                answer(HttpResponseStatus.NO_CONTENT, null, new byte[0]);
                return;
            }
            Faults fault = faults(function.name());
            if (fault.takeServerError()) {
                error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "ServiceException",
                        JSON.createObjectNode().put("Type", "Service")
                                .put("message", "Injected service error (FunctionHost fault)"));
                return;
            }
            if (fault.takeThrottle()) {
                throttled("ReservedFunctionConcurrentInvocationLimitExceeded");
                return;
            }
            boolean async = "Event".equals(invocationType);
            if (async) {
                answer(HttpResponseStatus.ACCEPTED, null, new byte[0]);
            }
            long deadline = System.nanoTime() + function.timeout().toNanos();
            ScheduledFuture<?> timer = async ? null : timeouts.schedule(
                    () -> timedOut(function.timeout()), function.timeout().toNanos(), TimeUnit.NANOSECONDS);
            try {
                byte[] result = execute(function, fault, deadline);
                answer(HttpResponseStatus.OK, null, result);
            } catch (Throwable t) {
                if (!async) {
                    LOG.debug("Function {} failed", function.name(), t);
                }
                answer(HttpResponseStatus.OK, "Unhandled", toJson(errorBody(t)));
            } finally {
                if (timer != null) {
                    timer.cancel(false);
                }
            }
        }

        private byte[] execute(Registered function, Faults fault, long deadline) throws Exception {
            Duration latency = fault.latency();
            if (!latency.isZero()) {
                Thread.sleep(latency.toMillis(), latency.toNanosPart() % 1_000_000);
            }
            if (fault.takeFailure()) {
                throw new InjectedFunctionError("Injected function error (failNext)");
            }
            if (fault.isPoison(body)) {
                throw new InjectedFunctionError("Injected function error (failWhen matched the request body)");
            }
            String invokedArn = functionArn(function.name())
                    + (route.qualifier() == null ? "" : ":" + route.qualifier());
            return function.adapter().invoke(body, new LocalContext(function.name(), invokedArn, requestId, deadline));
        }

        private void timedOut(Duration timeout) {
            ObjectNode error = JSON.createObjectNode()
                    .put("errorType", "Sandbox.Timedout")
                    .put("errorMessage", String.format(
                            "RequestId: %s Error: Task timed out after %.2f seconds", requestId,
                            timeout.toMillis() / 1000.0));
            answer(HttpResponseStatus.OK, "Unhandled", toJson(error));
        }

        void rejected() {
            throttled("ConcurrentInvocationLimitExceeded");
        }

        private void throttled(String reason) {
            error(HttpResponseStatus.TOO_MANY_REQUESTS, "TooManyRequestsException",
                    JSON.createObjectNode().put("Reason", reason).put("Type", "User").put("message", "Rate Exceeded."));
        }

        private void error(HttpResponseStatus status, String errorType, ObjectNode errorBody) {
            if (answered.compareAndSet(false, true)) {
                record(route, arrivalNanos, arrivedAt, body, status.code(), null);
                FullHttpResponse response = errorResponse(status, errorType, errorBody);
                response.headers().set("x-amzn-RequestId", requestId);
                send(ctx, keepAlive, response);
            }
        }

        private void answer(HttpResponseStatus status, String functionError, byte[] payload) {
            if (!answered.compareAndSet(false, true)) {
                return; // already answered (timeout, or an Event invocation)
            }
            record(route, arrivalNanos, arrivedAt, body, status.code(), functionError);
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
            send(ctx, keepAlive, response);
        }
    }

    /** Thrown for injected function errors; its name is the {@code errorType} the caller sees. */
    static final class InjectedFunctionError extends RuntimeException {
        InjectedFunctionError(String message) {
            super(message, null, false, false);
        }
    }

    private void record(Route route, long arrivalNanos, Instant arrivedAt, byte[] body, int status, String error) {
        java.util.function.Consumer<Invocation> l = listener;
        if (!recording && l == null) {
            return;
        }
        Invocation invocation =
                new Invocation(route.name(), route.qualifier(), arrivalNanos, arrivedAt, body, status, error);
        if (recording) {
            invocations.computeIfAbsent(route.name(), name -> new ConcurrentLinkedQueue<>()).add(invocation);
        }
        if (l != null) {
            try {
                l.accept(invocation);
            } catch (RuntimeException e) {
                LOG.warn("Invocation listener failed", e);
            }
        }
    }

    /**
     * Resolves {@code /2015-03-31/functions/{name}/invocations}; {name} may be a (percent-encoded) full ARN
     * {@code arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]}, a partial ARN
     * {@code ACCOUNT:function:NAME[:QUALIFIER]} or {@code NAME[:QUALIFIER]}; {@code ?Qualifier=} wins.
     */
    private static Route route(HttpRequest request) {
        if (!HttpMethod.POST.equals(request.method())) {
            return null;
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        String rawPath = query < 0 ? uri : uri.substring(0, query);
        if (!rawPath.startsWith(PATH_PREFIX) || !rawPath.endsWith(PATH_SUFFIX)
                || rawPath.length() <= PATH_PREFIX.length() + PATH_SUFFIX.length()) {
            return null;
        }
        String rawName = rawPath.substring(PATH_PREFIX.length(), rawPath.length() - PATH_SUFFIX.length());
        if (rawName.contains("/")) {
            return null;
        }
        String requested = QueryStringDecoder.decodeComponent(rawName);
        String[] parts = requested.split(":", -1);
        String name;
        String qualifier = null;
        if (parts.length >= 7 && parts[0].equals("arn") && parts[5].equals("function")) {
            name = parts[6];
            qualifier = parts.length > 7 ? parts[7] : null;
        } else if (parts.length >= 3 && parts[1].equals("function")) {
            name = parts[2];
            qualifier = parts.length > 3 ? parts[3] : null;
        } else {
            name = parts[0];
            qualifier = parts.length > 1 ? parts[1] : null;
        }
        List<String> qualifierParam = new QueryStringDecoder(uri).parameters().get("Qualifier");
        if (qualifierParam != null && !qualifierParam.isEmpty() && !qualifierParam.get(0).isEmpty()) {
            qualifier = qualifierParam.get(0);
        }
        return new Route(name, qualifier == null || qualifier.isEmpty() ? null : qualifier);
    }

    private static ObjectNode tooLargeBody() {
        return JSON.createObjectNode()
                .put("Type", "User")
                .put("message", "Request must be smaller than " + MAX_REQUEST_BYTES
                        + " bytes for the InvokeFunction operation");
    }

    /** Lambda's unhandled-error body: errorMessage, errorType, stackTrace, and the cause chain. */
    static ObjectNode errorBody(Throwable t) {
        ObjectNode node = JSON.createObjectNode();
        node.put("errorMessage", t.getMessage());
        node.put("errorType", t instanceof InjectedFunctionError ? "InjectedFunctionError" : t.getClass().getName());
        ArrayNode stack = node.putArray("stackTrace");
        for (StackTraceElement element : t.getStackTrace()) {
            stack.add(element.toString());
        }
        if (t.getCause() != null && t.getCause() != t) {
            node.set("cause", errorBody(t.getCause()));
        }
        return node;
    }

    private static FullHttpResponse errorResponse(HttpResponseStatus status, String errorType, ObjectNode body) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(toJson(body)));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        if (errorType != null) {
            response.headers().set("x-amzn-ErrorType", errorType);
        }
        return response;
    }

    private static void respond(
            ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String errorType,
            ObjectNode body) {
        send(ctx, keepAlive, errorResponse(status, errorType, body));
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (keepAlive) {
            HttpUtil.setKeepAlive(response, true);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static byte[] toJson(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (Exception e) {
            return ("{\"errorMessage\":\"could not serialize the error\"}").getBytes(StandardCharsets.UTF_8);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
