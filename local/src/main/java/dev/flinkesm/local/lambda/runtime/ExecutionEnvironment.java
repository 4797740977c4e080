package dev.flinkesm.local.lambda.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkesm.local.lambda.Invoke;
import dev.flinkesm.local.lambda.LambdaResponses;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One execution environment: one runtime process with its own Runtime API endpoint, running one invocation at a
 * time and kept warm between them.
 *
 * <p>Invariants (all state guarded by {@code this}):
 * <ul>
 *   <li>it holds at most one invocation ({@code current}); it takes a new one only when it holds none;
 *   <li>an invocation is handed to the runtime on its {@code next} call; its timer starts then;
 *   <li>every invocation it takes ends exactly once: the runtime's response or error, or the timeout (the process
 *       is stopped), or the process's exit ({@code Runtime.ExitError}, or the init error it posted);
 *   <li>once it is being stopped or has exited it takes nothing more; {@code onDead} (idempotent) is called then,
 *       outside the lock.
 * </ul>
 */
final class ExecutionEnvironment {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type";
    /** Lambda's limit on a synchronous response. */
    static final int MAX_RESPONSE_BYTES = 6_291_556;
    /** Lambda gives the init phase 10 s; a cold start here may also spend the function's timeout on it. */
    private static final Duration INIT_LIMIT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionEnvironment.class);

    private final FunctionSpec spec;
    private final int id;
    private final ScheduledExecutorService timers;
    private final Consumer<ExecutionEnvironment> onDead;
    private Channel server;
    private Process process;
    private Invoke current;
    private boolean delivered;
    private ScheduledFuture<?> timer;
    private long deliveredAtNanos;
    private ChannelHandlerContext parkedNext;
    private boolean parkedKeepAlive;
    private ObjectNode initError;
    private boolean initialized;
    private boolean dead;
    /** Set once the process is being stopped: it takes no further invocation. */
    private boolean retiring;

    ExecutionEnvironment(FunctionSpec spec, int id, ScheduledExecutorService timers,
            Consumer<ExecutionEnvironment> onDead) {
        this.spec = spec;
        this.id = id;
        this.timers = timers;
        this.onDead = onDead;
    }

    /** Starts the runtime process against {@code server}, this environment's own Runtime API endpoint. */
    synchronized void start(Channel runtimeApi, List<String> command, Map<String, String> environment)
            throws IOException {
        this.server = runtimeApi;
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(RuntimeClients.taskRoot(spec).toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        process = builder.start();
        LOG.info("Function {} environment {} started (pid {})", spec.name(), id, process.pid());
        process.onExit().thenAccept(p -> exited(p.exitValue()));
        timer = timers.schedule(this::initTooSlow, INIT_LIMIT.plus(spec.timeout()).toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True when it can take an invocation now (alive, holding none). */
    synchronized boolean available() {
        return !dead && !retiring && current == null;
    }

    synchronized ProcessHandle process() {
        return process.toHandle();
    }

    /** Takes an invocation; the runtime gets it on its next {@code next} call (at once if it is waiting). */
    synchronized void take(Invoke invoke) {
        if (dead || retiring || current != null) {
            throw new IllegalStateException("environment " + id + " cannot take an invocation now");
        }
        current = invoke;
        delivered = false;
        if (parkedNext != null) {
            deliver(parkedNext, parkedKeepAlive);
            parkedNext = null;
        }
    }

    // ---- Runtime API calls, from RuntimeApiHandler ----

    synchronized void next(ChannelHandlerContext ctx, boolean keepAlive) {
        if (!initialized) {
            initialized = true;
            cancelTimer(); // init is over
        }
        if (current != null && !delivered) {
            deliver(ctx, keepAlive);
        } else {
            parkedNext = ctx;
            parkedKeepAlive = keepAlive;
        }
    }

    /** The runtime's result for {@code requestId}; false if that is not the invocation it holds. */
    boolean response(String requestId, byte[] body) {
        Invoke done = finish(requestId);
        if (done == null) {
            return false;
        }
        if (body.length > MAX_RESPONSE_BYTES) {
            done.failed(JSON.createObjectNode()
                    .put("errorType", "Function.ResponseSizeTooLarge")
                    .put("errorMessage", "Response payload size exceeded maximum allowed payload size ("
                            + MAX_RESPONSE_BYTES + " bytes)."));
        } else {
            done.succeeded(body);
        }
        return true;
    }

    /** The runtime's error for {@code requestId}; false if that is not the invocation it holds. */
    boolean error(String requestId, byte[] body, String errorTypeHeader) {
        Invoke done = finish(requestId);
        if (done == null) {
            return false;
        }
        done.failed(errorJson(body, errorTypeHeader, "Unhandled"));
        return true;
    }

    /**
     * The runtime could not initialize (handler not found, code threw at load): the invocation gets the error the
     * runtime posted, as Lambda answers it, and the process is stopped.
     */
    void initError(byte[] body, String errorTypeHeader) {
        synchronized (this) {
            initError = errorJson(body, errorTypeHeader, "Runtime.InitError");
        }
        LOG.info("Function {} environment {} failed to initialize", spec.name(), id);
        stop();
    }

    // ---- endings ----

    /**
     * Stops the process (and whatever it started) and leaves the pool at once, so a replacement may start while this
     * one is still going down; its exit then ends any invocation it held.
     */
    void stop() {
        ProcessHandle handle;
        synchronized (this) {
            retiring = true;
            if (process == null) {
                return;
            }
            handle = process.toHandle();
        }
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
        onDead.accept(this);
    }

    /** Stops the process and closes this environment's Runtime API endpoint. */
    void close() {
        stop();
        Channel channel;
        synchronized (this) {
            channel = server;
        }
        if (channel != null) {
            channel.close();
        }
    }

    private void exited(int exitValue) {
        Invoke orphan;
        ObjectNode answer;
        synchronized (this) {
            dead = true;
            cancelTimer();
            orphan = current;
            current = null;
            if (orphan != null && delivered) {
                report(orphan);
            }
            answer = orphan == null ? null : initError != null ? initError
                    : LambdaResponses.exitError(orphan.requestId(), exitStatus(exitValue));
        }
        LOG.info("Function {} environment {} exited with {}", spec.name(), id, exitStatus(exitValue));
        if (orphan != null) {
            orphan.failed(answer);
        }
        server.close();
        onDead.accept(this);
    }

    private void timedOut(Invoke invoke) {
        synchronized (this) {
            if (current != invoke) {
                return; // answered in the meantime
            }
            current = null;
            report(invoke);
        }
        LOG.info("Function {} environment {} timed out after {}; stopping it", spec.name(), id, spec.timeout());
        invoke.failed(LambdaResponses.timedOut(invoke.requestId(), spec.timeout()));
        stop();
    }

    private void initTooSlow() {
        Invoke invoke;
        synchronized (this) {
            if (initialized) {
                return;
            }
            invoke = current;
            current = null;
        }
        LOG.info("Function {} environment {} did not initialize in time; stopping it", spec.name(), id);
        if (invoke != null) {
            invoke.failed(LambdaResponses.timedOut(invoke.requestId(), spec.timeout()));
        }
        stop();
    }

    // ---- helpers ----

    /** Hands the held invocation to the runtime's waiting {@code next} call and starts its timer. */
    private void deliver(ChannelHandlerContext ctx, boolean keepAlive) {
        Invoke invoke = current;
        delivered = true;
        long deadlineMs = System.currentTimeMillis() + spec.timeout().toMillis();
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
        timer = timers.schedule(() -> timedOut(invoke), spec.timeout().toMillis(), TimeUnit.MILLISECONDS);
        deliveredAtNanos = System.nanoTime();
        appendToLog("START RequestId: " + invoke.requestId() + " Version: $LATEST");
        LambdaResponses.send(ctx, keepAlive, response);
    }

    /** Ends the held invocation if it is {@code requestId}; null otherwise (unknown, or already timed out). */
    private synchronized Invoke finish(String requestId) {
        if (current == null || !delivered || !current.requestId().equals(requestId)) {
            return null;
        }
        Invoke done = current;
        current = null;
        cancelTimer();
        report(done);
        return done;
    }

    /** Lambda's END and REPORT lines for an invocation the runtime received, in the function's log. */
    private void report(Invoke invoke) {
        double ms = (System.nanoTime() - deliveredAtNanos) / 1e6;
        appendToLog("END RequestId: " + invoke.requestId());
        appendToLog(String.format("REPORT RequestId: %s\tDuration: %.2f ms\tMemory Size: %d MB", invoke.requestId(),
                ms, spec.memoryMb()));
    }

    /** One line, appended (the runtime process appends to the same file; a short append is not interleaved). */
    private void appendToLog(String line) {
        try {
            Files.writeString(spec.logFile(), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.debug("Could not write to {}", spec.logFile(), e);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** The runtime's error body as Lambda passes it on; a body that is not an error object is wrapped. */
    private static ObjectNode errorJson(byte[] body, String errorTypeHeader, String fallbackType) {
        try {
            JsonNode parsed = JSON.readTree(body);
            if (parsed instanceof ObjectNode object && object.has("errorType")) {
                return object;
            }
        } catch (IOException e) {
            // not JSON: wrapped below
        }
        return JSON.createObjectNode()
                .put("errorType", errorTypeHeader != null ? errorTypeHeader : fallbackType)
                .put("errorMessage", new String(body, StandardCharsets.UTF_8));
    }

    /** How Lambda words a runtime's exit: {@code exit status 1}, or {@code signal: killed} for a kill. */
    private static String exitStatus(int exitValue) {
        return exitValue == 137 ? "signal: killed" : "exit status " + exitValue;
    }

    /** An X-Ray trace header of the form Lambda sends (not sampled: nothing records it). */
    private static String traceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("Root=1-%08x-%012x%012x;Parent=%016x;Sampled=0",
                System.currentTimeMillis() / 1000, random.nextLong(1L << 48), random.nextLong(1L << 48),
                random.nextLong() & Long.MAX_VALUE);
    }

    int id() {
        return id;
    }
}
