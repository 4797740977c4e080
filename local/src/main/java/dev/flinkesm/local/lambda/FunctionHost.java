package dev.flinkesm.local.lambda;

import dev.flinkesm.local.lambda.runtime.FunctionSpec;
import dev.flinkesm.local.lambda.runtime.ProcessFunction;
import dev.flinkesm.local.lambda.runtime.RuntimeClients;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Serves the Lambda Invoke API ({@code POST /2015-03-31/functions/{name}/invocations}) on a local port. Point the
 * real AWS SDK client at {@link #endpoint()}. A function is a Java handler run in this JVM
 * ({@link #register(String, Object)}) or runtime processes of AWS's runtime interface clients, each speaking the
 * Lambda Runtime API to its own endpoint ({@link #register(FunctionSpec, RuntimeClients)}).
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
 * <p>In-process handlers run on a worker pool of up to {@value #MAX_CONCURRENCY} threads, never on the Netty event
 * loop; when all are busy the host answers 429 like a function at its concurrency limit. Process functions answer
 * 429 beyond their own concurrency. Every answered request is
 * recorded (see {@link #invocations(String)}); faults are injected per function with {@link #faults(String)}.
 *
 * <p>This class owns the server's lifecycle (threads, port, down and up again); requests are routed by
 * {@link InvokeApiHandler}, and functions, faults and recorded requests are kept in a {@link FunctionRegistry}.
 */
public final class FunctionHost implements AutoCloseable {

    /** Lambda's synchronous invoke request limit. */
    public static final int MAX_REQUEST_BYTES = 6_291_456;
    public static final int MAX_CONCURRENCY = 1000;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final String REGION = "us-east-1";
    public static final String ACCOUNT_ID = "123456789012";

    private static final Logger LOG = LoggerFactory.getLogger(FunctionHost.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final AtomicInteger HOST_IDS = new AtomicInteger();

    private final FunctionRegistry registry = new FunctionRegistry();
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup ioGroup;
    /** The Runtime API endpoints of process functions: apart from ioGroup, whose threads bind them. */
    private final EventLoopGroup runtimeApiGroup;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor timeouts;
    private final ServerBootstrap bootstrap;
    private volatile int port;
    private Channel serverChannel;
    private boolean closed;

    private FunctionHost() {
        int id = HOST_IDS.incrementAndGet();
        this.bossGroup = new NioEventLoopGroup(1, LambdaResponses.daemonThreads("function-host-" + id + "-accept"));
        this.ioGroup = new NioEventLoopGroup(2, LambdaResponses.daemonThreads("function-host-" + id + "-io"));
        this.runtimeApiGroup = new NioEventLoopGroup(2, LambdaResponses.daemonThreads(
                "function-host-" + id + "-runtime-api"));
        this.workers = new ThreadPoolExecutor(
                0, MAX_CONCURRENCY, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                LambdaResponses.daemonThreads("function-host-" + id + "-worker"));
        this.timeouts = new ScheduledThreadPoolExecutor(1, LambdaResponses.daemonThreads("function-host-" + id + "-timeouts"));
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
                                .addLast(new InvokeApiHandler.LambdaSizedAggregator(registry))
                                .addLast(new InvokeApiHandler(registry));
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
        registry.replace(new InProcessFunction(functionName, handler, timeout, workers, timeouts));
    }

    /**
     * Registers (or replaces) a function whose handler runs in runtime processes started from {@code spec}, through
     * the runtime interface client {@code clients} provides; they are stopped when it is replaced or the host closes.
     */
    public void register(FunctionSpec spec, RuntimeClients clients) {
        registry.replace(new HostedProcessFunction(
                new ProcessFunction(spec, clients, REGION, runtimeApiGroup, timeouts)));
    }

    /** The registered function of this name, or null. */
    public HostedFunction function(String functionName) {
        return registry.function(functionName);
    }

    /**
     * The process-backed function of this name ({@link #register(FunctionSpec, RuntimeClients)}), or null when there
     * is none or the function runs in this JVM.
     */
    public ProcessFunction processFunction(String functionName) {
        return registry.function(functionName) instanceof HostedProcessFunction hosted ? hosted.process() : null;
    }

    /** The faults for this function (created on first use, also for names not registered yet). */
    public Faults faults(String functionName) {
        return registry.faults(functionName);
    }

    /** Every answered request for this function, in arrival order (a thread-safe snapshot). */
    public List<Invocation> invocations(String functionName) {
        return registry.invocations(functionName);
    }

    public void clearInvocations() {
        registry.clearInvocations();
    }

    /** Recording is on by default; turn it off for benchmarks so request bodies are not kept. */
    public void recording(boolean enabled) {
        registry.recording(enabled);
    }

    /**
     * Calls {@code listener} for every answered request, before the response is sent, whether or not recording is
     * on; null removes it. The listener runs on the answering thread: keep it short.
     */
    public void onAnswered(Consumer<Invocation> listener) {
        registry.onAnswered(listener);
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
        registry.closeAll();
        workers.shutdownNow();
        timeouts.shutdownNow();
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        runtimeApiGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
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
}
