package io.guildnet.batch;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Feeds one live listener (an SSE stream or a WebSocket) from an execution's log: the log so
 * far, then each new event, then {@code end}. Events are queued, so the job's thread never
 * waits on a slow client; a client too slow to keep up (queue full) is disconnected. Sends a
 * heartbeat when idle, and notices an execution that ended while nobody was listening.
 */
public final class EventPump implements Runnable {

    /** The transport: each call returns false when the client has gone. */
    public interface Sender {
        boolean send(ExecutionLogs.Event e);

        boolean ping();

        void close();
    }

    static final int QUEUE = 10_000;

    private final ExecutionLogs logs;
    private final long id;
    private final BooleanSupplier terminal;
    private final Supplier<JsonObject> endInfo;
    private final Sender sender;
    private final Duration heartbeat;
    private final BlockingQueue<ExecutionLogs.Event> queue = new LinkedBlockingQueue<>(QUEUE);
    private volatile boolean overflow;
    private volatile boolean closed;
    private AutoCloseable subscription;

    public EventPump(ExecutionLogs logs, long id, BooleanSupplier terminal, Supplier<JsonObject> endInfo, Sender sender, Duration heartbeat) {
        this.logs = logs;
        this.id = id;
        this.terminal = terminal;
        this.endInfo = endInfo;
        this.sender = sender;
        this.heartbeat = heartbeat;
    }

    /** Subscribes (replay included) and pumps on {@code executor}. */
    public void start(ExecutorService executor) {
        subscription = logs.follow(id, e -> {
            if (!queue.offer(e)) overflow = true;
        });
        if (terminal.getAsBoolean()) queue.offer(new ExecutionLogs.Event("end", endInfo.get()));
        executor.submit(this);
    }

    public void close() { closed = true; }

    @Override
    public void run() {
        long lastSent = System.nanoTime();
        try {
            while (!closed && !overflow) {
                ExecutionLogs.Event e = queue.poll(1, TimeUnit.SECONDS);
                if (e == null) {
                    // the job may have ended before we subscribed, after its end event
                    if (terminal.getAsBoolean() && queue.isEmpty()) {
                        sender.send(new ExecutionLogs.Event("end", endInfo.get()));
                        return;
                    }
                    if (System.nanoTime() - lastSent >= heartbeat.toNanos()) {
                        if (!sender.ping()) return;
                        lastSent = System.nanoTime();
                    }
                    continue;
                }
                if (!sender.send(e)) return;
                lastSent = System.nanoTime();
                if (e.type().equals("end")) return;
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                if (subscription != null) subscription.close();
            } catch (Exception ignored) {
                // nothing to release
            }
            sender.close();
        }
    }
}
