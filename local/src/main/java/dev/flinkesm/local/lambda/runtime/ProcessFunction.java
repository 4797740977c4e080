package dev.flinkesm.local.lambda.runtime;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A function whose handler runs in runtime processes: AWS's runtime interface client for the function's runtime,
 * started with the environment Lambda sets, one process per concurrent execution.
 *
 * <p>Invariants (guarded by {@code this}): at most {@link FunctionSpec#concurrency()} environments exist; an invoke
 * goes to a warm idle environment if there is one, else to a new one, else it is throttled (429, as Lambda at a
 * function's reserved concurrency); a dead environment leaves the pool at once; after {@link #close()} every process
 * has been told to stop and no new one starts.
 *
 * <p>This package knows nothing of the host that serves the Invoke API: the host hands each invocation over as a
 * {@link RuntimeInvocation} and tells it the region to put in the function's environment.
 */
public final class ProcessFunction implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessFunction.class);
    private static final int RUNTIME_API_BODY_LIMIT = 8 * 1024 * 1024;

    private final FunctionSpec spec;
    private final RuntimeClients clients;
    private final String region;
    private final EventLoopGroup io;
    private final ScheduledExecutorService timers;
    private final List<ExecutionEnvironment> environments = new ArrayList<>();
    private final List<ProcessHandle> started = new ArrayList<>();
    private final List<String> command;
    private int nextId;
    private boolean closed;

    /**
     * @param region the {@code AWS_REGION} the function's environment gets
     * @param io the event loops that serve each environment's Runtime API endpoint
     * @param timers where init and invocation timeouts are scheduled
     */
    public ProcessFunction(FunctionSpec spec, RuntimeClients clients, String region, EventLoopGroup io,
            ScheduledExecutorService timers) {
        this.spec = spec;
        this.clients = clients;
        this.region = region;
        this.io = io;
        this.timers = timers;
        if (!Files.exists(spec.code())) {
            throw new IllegalArgumentException("function " + spec.name() + ": --code " + spec.code()
                    + " does not exist");
        }
        // Here, not on the first invoke: it may install the runtime client (minutes), which must not hold an I/O
        // thread or count against an invocation.
        this.command = clients.command(spec);
    }

    public String name() {
        return spec.name();
    }

    /** The configured timeout: past it the caller gets Lambda's {@code Task timed out} error. */
    public Duration timeout() {
        return spec.timeout();
    }

    /** The Lambda runtime identifier, e.g. {@code nodejs22.x}. */
    public String runtime() {
        return spec.runtime().identifier();
    }

    public FunctionSpec spec() {
        return spec;
    }

    /** Hands {@code invoke} to a warm or new environment, or throttles it; never blocks on the runtime. */
    public void invoke(RuntimeInvocation invoke) {
        ExecutionEnvironment environment;
        synchronized (this) {
            environment = environments.stream().filter(ExecutionEnvironment::available).findFirst().orElse(null);
            if (environment == null) {
                if (closed || environments.size() >= spec.concurrency()) {
                    invoke.throttled("ReservedFunctionConcurrentInvocationLimitExceeded");
                    return;
                }
                try {
                    environment = startEnvironment();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Function {} could not start its runtime: {}", spec.name(), e.getMessage());
                    invoke.failed(ExecutionEnvironment.JSON.createObjectNode()
                            .put("errorType", "Runtime.InitError")
                            .put("errorMessage", "RequestId: " + invoke.requestId()
                                    + " Error: could not start the runtime: " + e.getMessage()));
                    return;
                }
            }
            environment.take(invoke);
        }
    }

    /** Every runtime process this function started, alive or not, in start order. */
    public synchronized List<ProcessHandle> processesStarted() {
        return List.copyOf(started);
    }

    /** Environments alive now (warm or busy). */
    public synchronized int environments() {
        return environments.size();
    }

    /** Stops every runtime process; no new one starts. */
    @Override
    public void close() {
        List<ExecutionEnvironment> all;
        synchronized (this) {
            closed = true;
            all = List.copyOf(environments);
        }
        all.forEach(ExecutionEnvironment::close);
    }

    private ExecutionEnvironment startEnvironment() throws IOException {
        Files.createDirectories(spec.logDir());
        int id = ++nextId;
        ExecutionEnvironment environment = new ExecutionEnvironment(spec, id, timers, this::removed);
        Channel runtimeApi = bindRuntimeApi(environment);
        try {
            int port = ((InetSocketAddress) runtimeApi.localAddress()).getPort();
            environment.start(runtimeApi, command, lambdaEnvironment(id, port));
        } catch (IOException | RuntimeException e) {
            runtimeApi.close();
            throw e;
        }
        environments.add(environment);
        started.add(environment.process());
        return environment;
    }

    /** An environment leaves the pool (called when it is stopped and again when it exits). */
    private synchronized void removed(ExecutionEnvironment environment) {
        environments.remove(environment);
    }

    private Channel bindRuntimeApi(ExecutionEnvironment environment) {
        return new ServerBootstrap()
                .group(io)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(RUNTIME_API_BODY_LIMIT))
                                .addLast(new RuntimeApiHandler(environment));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .syncUninterruptibly()
                .channel();
    }

    /**
     * The environment Lambda gives a function: the Runtime API address, handler, task root, name, memory, version,
     * region, log names; then the function's own variables; {@code PATH} and {@code HOME} from the host so the
     * user's {@code node} and {@code python} are found. Nothing else of the host's environment leaks in.
     */
    private Map<String, String> lambdaEnvironment(int id, int port) {
        Map<String, String> env = new LinkedHashMap<>();
        putIfSet(env, "PATH");
        putIfSet(env, "HOME");
        putIfSet(env, "PYENV_ROOT");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + port);
        env.put("_HANDLER", spec.handler());
        env.put("LAMBDA_TASK_ROOT", RuntimeClients.taskRoot(spec).toString());
        env.put("LAMBDA_RUNTIME_DIR", RuntimeClients.taskRoot(spec).toString());
        env.put("AWS_EXECUTION_ENV", spec.runtime().executionEnv());
        env.put("AWS_LAMBDA_FUNCTION_NAME", spec.name());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memoryMb()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", region);
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + spec.name());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local/[$LATEST]" + spec.name() + "-" + id);
        if (spec.runtime() == LambdaRuntime.PYTHON) {
            env.put("PYTHONPATH", RuntimeClients.taskRoot(spec).toString()); // the handler's module is found there
        }
        env.putAll(spec.environment());
        return env;
    }

    private static void putIfSet(Map<String, String> env, String name) {
        String value = System.getenv(name);
        if (value != null) {
            env.put(name, value);
        }
    }
}
