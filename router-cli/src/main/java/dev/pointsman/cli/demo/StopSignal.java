package dev.pointsman.cli.demo;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C for a long command: the JVM's shutdown sets {@link #stopping()} and then waits until the
 * command has cleaned up and closed this. A command that ends on its own removes the hook.
 */
public final class StopSignal implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    public StopSignal(String name, Runnable onSignal) {
        hook =
                new Thread(
                        () -> {
                            onSignal.run();
                            stop.set(true);
                            try {
                                finished.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Set once a shutdown has begun: stop what is running and clean up. */
    public AtomicBoolean stopping() {
        return stop;
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is waiting for us and can go now
        }
    }
}
