package dev.flinkesm.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A child JVM on this JVM's own classpath: its output goes to a log file; {@link #awaitLine} waits for the line a
 * main prints when ready. CPU and memory come from {@code /proc/<pid>}, so they are the child's own.
 */
final class ChildJvm implements AutoCloseable {
    /** Linux's USER_HZ: /proc/<pid>/stat counts CPU in these ticks. */
    private static final double TICKS_PER_SECOND = 100.0;

    final String name;
    final Process process;
    private final List<String> lines = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(String prefix, CompletableFuture<String> line) {}

    private ChildJvm(String name, Process process, Path log, Consumer<String> onLine) {
        this.name = name;
        this.process = process;
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.println(line);
                    if (onLine != null) {
                        onLine.accept(line);
                    }
                    synchronized (this) {
                        lines.add(line);
                        for (Waiter w : waiters) {
                            if (line.startsWith(w.prefix)) {
                                w.line.complete(line.substring(w.prefix.length()));
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // the child ended
            }
            synchronized (this) {
                for (Waiter w : waiters) {
                    w.line.completeExceptionally(new IllegalStateException(
                            name + " ended before printing '" + w.prefix + "'; see its log " + log));
                }
            }
        }, "bench-" + name + "-output");
        pump.setDaemon(true);
        pump.start();
    }

    static ChildJvm start(String name, List<String> jvmArgs, String mainClass, List<String> args, Path log)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new ChildJvm(name, p, log, null);
    }

    /** The rest of the first line starting with {@code prefix} (also one printed before this call). */
    String awaitLine(String prefix, long timeoutSeconds) throws Exception {
        CompletableFuture<String> f = new CompletableFuture<>();
        synchronized (this) {
            for (String line : lines) {
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length());
                }
            }
            waiters.add(new Waiter(prefix, f));
        }
        return f.get(timeoutSeconds, TimeUnit.SECONDS);
    }

    long pid() {
        return process.pid();
    }

    /** User + system CPU seconds of the child so far; NaN once it is gone. */
    double cpuSeconds() {
        return procCpuSeconds(pid());
    }

    static double procCpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // fields after the command name, which is in parentheses and may contain spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): utime is field 14, stime field 15
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** A field of /proc/<pid>/status in kB (VmHWM, VmRSS), or -1. */
    static long procStatusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    int waitFor(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            close();
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: the mains' shutdown hooks stop broker and host cleanly
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
