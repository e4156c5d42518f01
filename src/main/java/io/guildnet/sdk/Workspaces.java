package io.guildnet.sdk;

import static io.guildnet.sdk.Transport.enc;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Workspaces of one cluster: {@code /api/cluster/{id}/workspaces}. */
public final class Workspaces {
    private final Transport t;
    private final String cluster;
    private final ExecutorService streams;

    Workspaces(Transport t, String cluster, ExecutorService streams) {
        this.t = t;
        this.cluster = cluster;
        this.streams = streams;
    }

    private String path(String rest) {
        return "/api/cluster/" + enc(cluster) + "/workspaces" + rest;
    }

    /** A launch request; the field names are the server's (see {@code WorkspaceRequest}). */
    public static final class Spec {
        private final Map<String, Object> fields = new LinkedHashMap<>();
        private final Map<String, Object> env = new LinkedHashMap<>();
        private final Map<String, Object> labels = new LinkedHashMap<>();
        private final List<Object> ports = new java.util.ArrayList<>();

        public Spec(String image) { fields.put("image", image); }

        public Spec name(String name) { fields.put("name", name); return this; }

        public Spec args(List<String> args) { fields.put("args", args); return this; }

        public Spec command(List<String> command) { fields.put("command", command); return this; }

        public Spec env(String name, String value) { env.put(name, value); return this; }

        public Spec label(String name, String value) { labels.put(name, value); return this; }

        public Spec port(int port, String name) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("containerPort", port);
            if (name != null) p.put("name", name);
            ports.add(p);
            return this;
        }

        /** {@code {"cpu":"500m","memory":"1Gi"}} style requests. */
        public Spec resources(Map<String, String> resources) { fields.put("resources", resources); return this; }

        /** How the workspace is reached: {@code ClusterIP}, {@code LoadBalancer} or {@code Ingress} (with {@code domain}, may be null). */
        public Spec exposure(String type, String domain) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", type);
            if (domain != null) e.put("domain", domain);
            fields.put("exposure", e);
            return this;
        }

        public Spec notes(String notes) { fields.put("notes", notes); return this; }

        /** The JSON the server receives. */
        public JsonObject toJson() {
            Map<String, Object> all = new LinkedHashMap<>(fields);
            if (!env.isEmpty()) all.put("env", env);
            if (!labels.isEmpty()) all.put("labels", labels);
            if (!ports.isEmpty()) all.put("ports", ports);
            return Jsons.value(all).asJsonObject();
        }
    }

    /** Launches a workspace; returns its name ({@code id}). */
    public String create(Spec spec) {
        return create(spec.toJson());
    }

    public String create(JsonObject spec) {
        return t.object("POST", path(""), spec).getString("id");
    }

    /** {@code [{id, name, image, status: pending|running|failed, ports, url, created_at?, error?}]} */
    public List<JsonObject> list() {
        return t.json("GET", path(""), null).asJsonArray().getValuesAs(JsonObject.class);
    }

    /** The list entry of one workspace, if it exists. */
    public Optional<JsonObject> find(String name) {
        return list().stream().filter(o -> name.equals(o.getString("id", null)) || name.equals(o.getString("name", null))).findFirst();
    }

    /** The Workspace object with {@code pods} and {@code events}. @throws NotFoundException */
    public JsonObject get(String name) {
        return t.object("GET", path("/" + enc(name)), null);
    }

    public void delete(String name) {
        t.object("DELETE", path("/" + enc(name)), null);
    }

    /** A tail of the logs: {@code [{t, msg}]}. */
    public List<JsonObject> logs(String name, int limit) {
        JsonArray a = t.json("GET", path("/" + enc(name) + "/logs?limit=" + limit), null).asJsonArray();
        return a.getValuesAs(JsonObject.class);
    }

    /**
     * Follows the logs of every pod (SSE), starting with the last {@code tail} lines, on the calling
     * thread until {@code handler} returns false or the stream ends.
     */
    public void follow(String name, int tail, Predicate<JsonObject> handler) {
        HttpResponse<InputStream> r = t.stream("GET", path("/" + enc(name) + "/logs/stream?tail=" + tail), "text/event-stream");
        Transport.readEvents(r.body(), e -> !"message".equals(e.name()) || handler.test(e.json().asJsonObject()));
    }

    /** The same on a background thread; close the subscription to stop. */
    public Subscription stream(String name, int tail, Consumer<JsonObject> handler) {
        HttpResponse<InputStream> r = t.stream("GET", path("/" + enc(name) + "/logs/stream?tail=" + tail), "text/event-stream");
        Subscription s = new Subscription(r.body());
        streams.execute(() -> {
            try {
                Transport.readEvents(r.body(), e -> {
                    if ("message".equals(e.name())) handler.accept(e.json().asJsonObject());
                    return true;
                });
            } finally {
                s.finished();
            }
        });
        return s;
    }

    /**
     * Polls until the workspace reports {@code running} (returns its list entry); throws
     * {@link GuildNetException} {@code workspace_failed} when it failed and {@code timeout} when the
     * time is up.
     */
    public JsonObject waitUntilRunning(String name, Duration timeout, Duration interval) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "absent";
        while (true) {
            Optional<JsonObject> o = find(name);
            if (o.isPresent()) {
                last = o.get().getString("status", "unknown");
                if ("running".equalsIgnoreCase(last)) return o.get();
                if ("failed".equalsIgnoreCase(last)) {
                    throw new GuildNetException(0, "workspace_failed", "workspace " + name + " failed: "
                            + o.get().getString("error", "no reason given"), null, o.get());
                }
            }
            if (System.nanoTime() >= deadline) {
                throw new GuildNetException(0, "timeout", "workspace " + name + " not running after " + timeout + " (status " + last + ")",
                        null, null);
            }
            try {
                Thread.sleep(Math.max(50, Math.min(interval.toMillis(), (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectionException("interrupted", e);
            }
        }
    }

    /** Deletes every workspace the Capabilities allow: {@code {deleted:[…], denied:[…]}}. */
    public JsonObject stopAll() {
        return t.object("POST", path("/stop-all"), JsonValue.EMPTY_JSON_OBJECT);
    }

    /**
     * An HTTP request through the Host App's proxy to the workspace
     * ({@code /api/cluster/{cid}/proxy/server/{name}{path}}); an error status of the workspace or proxy throws.
     */
    public HttpResponse<String> proxyGet(String name, String path) {
        String p = path == null || path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path;
        return t.send("GET", "/api/cluster/" + enc(cluster) + "/proxy/server/" + enc(name) + p, null, null, null);
    }
}
