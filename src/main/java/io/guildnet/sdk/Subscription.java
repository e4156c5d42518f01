package io.guildnet.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** An open event stream (log follow, changefeed); {@link #close()} ends it. */
public final class Subscription implements AutoCloseable {
    private final InputStream in;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean closed;

    Subscription(InputStream in) {
        this.in = in;
    }

    void finished() {
        done.countDown();
    }

    /** Waits until the stream ended (by the server, the handler or {@link #close()}). */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    public boolean isOpen() { return !closed && done.getCount() > 0; }

    @Override
    public void close() {
        closed = true;
        try {
            in.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
