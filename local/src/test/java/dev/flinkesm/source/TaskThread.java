package dev.flinkesm.source;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The reader's task thread, played by the test: callbacks queue up here and run only when the test says. */
final class TaskThread implements Executor {
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();

    @Override
    public void execute(Runnable command) {
        queue.add(command);
    }

    /** Waits for the next callback (an admin client's answer) and runs it. */
    void runNext() throws InterruptedException {
        Runnable next = queue.poll(30, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no callback within 30 s");
        }
        next.run();
    }
}
