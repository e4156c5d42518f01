package io.guildnet.workspace;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.guildnet.workspace.model.Workspace;
import jakarta.json.Json;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * A live log stream of a workspace over SSE: follows every pod of the workspace (pods that
 * appear later are picked up), one event {@code {"t","msg":"[pod] line"}} per line with the
 * log's own timestamp, a {@code : ping} comment every heartbeat, and everything closed as soon
 * as the client goes away. No thread is held per stream beyond one reader per pod.
 */
public final class LogStream implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LogStream.class.getName());
    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final KubernetesClient client;
    private final Workspace ws;
    private final SseEventSink sink;
    private final Sse sse;
    private final ExecutorService executor;
    private final int tail;
    private final Map<String, LogWatch> watches = new ConcurrentHashMap<>();
    private final Map<String, Future<?>> readers = new ConcurrentHashMap<>();
    /** Timestamp of the last line sent per pod: a re-followed pod (container restart) resumes there, without repeats. */
    private final Map<String, String> lastSeen = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private Future<?> ticker;

    public LogStream(KubernetesClient client, Workspace ws, SseEventSink sink, Sse sse, ExecutorService executor, int tail) {
        this.client = client;
        this.ws = ws;
        this.sink = sink;
        this.sse = sse;
        this.executor = executor;
        this.tail = tail;
    }

    public void start(ScheduledExecutorService scheduler) {
        send(sse.newEventBuilder().comment("stream of " + ws.getMetadata().getName()).build());
        followNewPods();
        ticker = scheduler.scheduleWithFixedDelay(() -> {
            if (sink.isClosed()) {
                close();
                return;
            }
            send(sse.newEventBuilder().comment("ping").build());
            followNewPods();
        }, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void followNewPods() {
        if (closed.get()) return;
        for (Pod p : client.pods().inNamespace(ws.getMetadata().getNamespace()).withLabels(DesiredState.selector(ws)).list().getItems()) {
            String pod = p.getMetadata().getName();
            if (readers.containsKey(pod)) continue;
            readers.put(pod, executor.submit(() -> follow(pod)));
        }
    }

    private void follow(String pod) {
        try {
            var podLog = client.pods().inNamespace(ws.getMetadata().getNamespace()).withName(pod);
            String since = lastSeen.get(pod);
            LogWatch w = since == null ? podLog.usingTimestamps().tailingLines(tail).watchLog()
                    : podLog.usingTimestamps().sinceTime(since).watchLog();
            watches.put(pod, w);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(w.getOutput(), StandardCharsets.UTF_8))) {
                String line;
                while (!closed.get() && (line = r.readLine()) != null) {
                    if (line.isEmpty()) continue;
                    LogLine l = LogLine.parse(line);
                    if (l.stamped()) {
                        String prev = lastSeen.get(pod);
                        if (prev != null && l.t().compareTo(prev) <= 0) continue; // already sent before a re-follow
                        lastSeen.put(pod, l.t());
                    }
                    String data = Json.createObjectBuilder().add("t", l.t()).add("msg", "[" + pod + "] " + l.msg()).build().toString();
                    if (!send(sse.newEventBuilder().mediaType(MediaType.APPLICATION_JSON_TYPE).data(data).build())) return;
                }
            }
        } catch (Exception e) {
            if (!closed.get()) LOG.fine("log stream of " + pod + " ended: " + e);
        } finally {
            LogWatch w = watches.remove(pod);
            if (w != null) w.close();
            // the pod's log ended (restart, deletion): allow a new reader on the next scan
            readers.remove(pod);
        }
    }

    private boolean send(OutboundSseEvent e) {
        if (closed.get() || sink.isClosed()) {
            close();
            return false;
        }
        try {
            sink.send(e).toCompletableFuture().get(10, TimeUnit.SECONDS);
            return true;
        } catch (Exception ex) {
            close();
            return false;
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        if (ticker != null) ticker.cancel(false);
        watches.values().forEach(LogWatch::close);
        readers.values().forEach(f -> f.cancel(true));
        try {
            sink.close();
        } catch (RuntimeException ignored) {
            // already closed by the client
        }
    }
}
