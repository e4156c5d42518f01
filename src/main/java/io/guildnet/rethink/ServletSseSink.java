package io.guildnet.rethink;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * An SSE stream on a servlet's non-blocking output: frames are appended to a buffer and written
 * by one pump (many frames per write and flush, so a busy table costs one TLS record per burst,
 * not per event); no thread waits on a slow client. When more than {@link #HIGH_WATER} bytes are
 * pending, {@link #send} returns an unfinished stage, which is how the hub sees a client falling
 * behind.
 */
final class ServletSseSink implements ChangefeedHub.FrameSink, WriteListener {

    static final int HIGH_WATER = 64 * 1024;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final AsyncContext ctx;
    private final ServletOutputStream out;
    private final Executor executor;
    private ByteArrayOutputStream pending = new ByteArrayOutputStream(8192);
    private boolean pumpScheduled, listening;
    private CompletableFuture<Void> waiter;
    private volatile boolean closed;

    ServletSseSink(AsyncContext ctx, ServletOutputStream out, Executor executor) {
        this.ctx = ctx;
        this.out = out;
        this.executor = executor;
    }

    /** Registers as the stream's write listener (the container then calls {@link #onWritePossible}). */
    void listen() {
        synchronized (this) {
            listening = true;
        }
        out.setWriteListener(this);
    }

    @Override
    public synchronized CompletionStage<?> send(ChangefeedHub.Frame f) {
        if (closed) return CompletableFuture.failedFuture(new IOException("stream closed"));
        pending.writeBytes(f.wire());
        if (!pumpScheduled && listening) {
            pumpScheduled = true;
            try {
                executor.execute(this::pump);
            } catch (RuntimeException e) {
                pumpScheduled = false;
            }
        }
        if (pending.size() > HIGH_WATER) {
            if (waiter == null) waiter = new CompletableFuture<>();
            return waiter;
        }
        return DONE;
    }

    private void pump() {
        synchronized (this) {
            pumpScheduled = false;
        }
        onWritePossible();
    }

    @Override
    public void onWritePossible() {
        CompletableFuture<Void> release = null;
        synchronized (this) {
            if (closed) return;
            try {
                if (pending.size() > 0) {
                    if (!out.isReady()) return; // called again by the container when writable
                    byte[] chunk = pending.toByteArray();
                    // a burst grew the buffer: let it go rather than keep its peak size per idle subscriber
                    if (chunk.length > 32 * 1024) pending = new ByteArrayOutputStream(8192);
                    else pending.reset();
                    out.write(chunk);
                }
                if (out.isReady()) out.flush();
                if (waiter != null && pending.size() <= HIGH_WATER / 2) {
                    release = waiter;
                    waiter = null;
                }
            } catch (IOException | RuntimeException e) {
                fail(e);
                return;
            }
        }
        if (release != null) release.complete(null);
    }

    @Override
    public void onError(Throwable t) {
        synchronized (this) {
            fail(t);
        }
    }

    /** Under this lock. */
    private void fail(Throwable t) {
        if (closed) return;
        closed = true;
        if (waiter != null) {
            waiter.completeExceptionally(t);
            waiter = null;
        }
        complete();
    }

    private void complete() {
        try {
            ctx.complete();
        } catch (RuntimeException ignored) {
            // the request is already over
        }
    }

    @Override
    public boolean isClosed() { return closed; }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            if (waiter != null) {
                waiter.completeExceptionally(new IOException("stream closed"));
                waiter = null;
            }
        }
        complete();
    }

    void disconnected() {
        synchronized (this) {
            closed = true;
        }
    }
}
