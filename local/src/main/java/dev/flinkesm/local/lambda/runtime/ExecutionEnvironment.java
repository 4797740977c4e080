package dev.flinkesm.local.lambda.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
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
    private final FunctionLog log;
    private Channel server;
    private Process process;
    private RuntimeInvocation current;
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
        this.log = new FunctionLog(spec.logFile(), spec.memoryMb());
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
    synchronized void take(RuntimeInvocation invoke) {
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
        RuntimeInvocation done = finish(requestId);
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
        RuntimeInvocation done = finish(requestId);
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
        RuntimeInvocation orphan;
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
                    : exitError(orphan.requestId(), exitStatus(exitValue));
        }
        LOG.info("Function {} environment {} exited with {}", spec.name(), id, exitStatus(exitValue));
        if (orphan != null) {
            orphan.failed(answer);
        }
        server.close();
        onDead.accept(this);
    }

    private void timedOut(RuntimeInvocation invoke) {
        synchronized (this) {
            if (current != invoke) {
                return; // answered in the meantime
            }
            current = null;
            report(invoke);
        }
        LOG.info("Function {} environment {} timed out after {}; stopping it", spec.name(), id, spec.timeout());
        invoke.timedOut(spec.timeout());
        stop();
    }

    private void initTooSlow() {
        RuntimeInvocation invoke;
        synchronized (this) {
            if (initialized) {
                return;
            }
            invoke = current;
            current = null;
        }
        LOG.info("Function {} environment {} did not initialize in time; stopping it", spec.name(), id);
        if (invoke != null) {
            invoke.timedOut(spec.timeout());
        }
        stop();
    }

    // ---- helpers ----

    /** Hands the held invocation to the runtime's waiting {@code next} call and starts its timer. */
    private void deliver(ChannelHandlerContext ctx, boolean keepAlive) {
        RuntimeInvocation invoke = current;
        delivered = true;
        long deadlineMs = System.currentTimeMillis() + spec.timeout().toMillis();
        timer = timers.schedule(() -> timedOut(invoke), spec.timeout().toMillis(), TimeUnit.MILLISECONDS);
        deliveredAtNanos = System.nanoTime();
        log.start(invoke.requestId());
        RuntimeApiHandler.send(ctx, keepAlive, RuntimeApiHandler.nextInvocation(invoke, deadlineMs));
    }

    /** Ends the held invocation if it is {@code requestId}; null otherwise (unknown, or already timed out). */
    private synchronized RuntimeInvocation finish(String requestId) {
        if (current == null || !delivered || !current.requestId().equals(requestId)) {
            return null;
        }
        RuntimeInvocation done = current;
        current = null;
        cancelTimer();
        report(done);
        return done;
    }

    /** Lambda's END and REPORT lines for an invocation the runtime received, in the function's log. */
    private void report(RuntimeInvocation invoke) {
        log.end(invoke.requestId(), System.nanoTime() - deliveredAtNanos);
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

    /** Lambda's answer when the runtime process ends while it holds an invocation. */
    private static ObjectNode exitError(String requestId, String exitStatus) {
        return JSON.createObjectNode()
                .put("errorType", "Runtime.ExitError")
                .put("errorMessage", "RequestId: " + requestId + " Error: Runtime exited with error: " + exitStatus);
    }

    /** How Lambda words a runtime's exit: {@code exit status 1}, or {@code signal: killed} for a kill. */
    private static String exitStatus(int exitValue) {
        return exitValue == 137 ? "signal: killed" : "exit status " + exitValue;
    }

    int id() {
        return id;
    }
}
