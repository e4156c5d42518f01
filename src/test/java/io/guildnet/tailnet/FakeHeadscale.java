package io.guildnet.tailnet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test fixture: an in-memory Headscale REST API on loopback (users, pre-auth keys, nodes, routes,
 * {@code /health}) that insists on {@code Authorization: Bearer <apiKey>} and records every request
 * ("METHOD path") and every body, so a test can check what was asked and that no secret leaked.
 */
public final class FakeHeadscale implements AutoCloseable {

    public record Key(String id, String user, String key, boolean reusable, boolean ephemeral, boolean expired) {}

    public record Route(String id, String node, String prefix, boolean enabled) {}

    private final HttpServer server;
    private final String apiKey;
    private final AtomicInteger ids = new AtomicInteger();
    public final Map<String, String> users = Collections.synchronizedMap(new LinkedHashMap<>()); // name -> id
    public final List<Key> keys = Collections.synchronizedList(new ArrayList<>());
    public final List<Route> routes = Collections.synchronizedList(new ArrayList<>());
    public final Map<String, String> nodes = Collections.synchronizedMap(new LinkedHashMap<>()); // name -> user
    public final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    public volatile boolean failNextPreAuthKey;
    /** Speak Headscale 0.26+: no /api/v1/routes; routes on the nodes, approved with POST /api/v1/node/{id}/approve_routes. */
    public volatile boolean nodeRoutes;

    public FakeHeadscale(String apiKey) throws IOException {
        this.apiKey = apiKey;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

    /** A node joined (the subnet router) and advertised {@code prefixes}. */
    public void join(String node, String user, String... prefixes) {
        nodes.put(node, user);
        for (String p : prefixes) routes.add(new Route(Integer.toString(ids.incrementAndGet()), node, p, false));
    }

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(method + " " + ex.getRequestURI());
        try {
            if (path.equals("/health")) {
                reply(ex, 200, Json.createObjectBuilder().add("status", "pass").build());
                return;
            }
            if (!("Bearer " + apiKey).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                reply(ex, 401, Json.createObjectBuilder().add("code", 16).add("message", "Unauthorized").build());
                return;
            }
            JsonObject in = body.isBlank() ? JsonObject.EMPTY_JSON_OBJECT : Json.createReader(new StringReader(body)).readObject();
            if (path.equals("/api/v1/user") && method.equals("GET")) {
                JsonArrayBuilder a = Json.createArrayBuilder();
                users.forEach((n, id) -> a.add(Json.createObjectBuilder().add("id", id).add("name", n)));
                reply(ex, 200, Json.createObjectBuilder().add("users", a).build());
            } else if (path.equals("/api/v1/user") && method.equals("POST")) {
                String n = in.getString("name");
                if (users.containsKey(n)) {
                    reply(ex, 500, Json.createObjectBuilder().add("message", "user already exists").build());
                    return;
                }
                String id = Integer.toString(ids.incrementAndGet());
                users.put(n, id);
                reply(ex, 200, Json.createObjectBuilder().add("user", Json.createObjectBuilder().add("id", id).add("name", n)).build());
            } else if (path.startsWith("/api/v1/user/") && method.equals("DELETE")) {
                String n = path.substring("/api/v1/user/".length());
                if (users.remove(n) == null) reply(ex, 404, Json.createObjectBuilder().add("message", "not found").build());
                else reply(ex, 200, JsonObject.EMPTY_JSON_OBJECT);
            } else if (path.equals("/api/v1/preauthkey") && method.equals("POST")) {
                String u = in.getString("user");
                if (failNextPreAuthKey) {
                    failNextPreAuthKey = false;
                    reply(ex, 500, Json.createObjectBuilder().add("message", "database is locked").build());
                    return;
                }
                if (!users.containsKey(u)) {
                    reply(ex, 500, Json.createObjectBuilder().add("message", "user not found").build());
                    return;
                }
                String id = Integer.toString(ids.incrementAndGet());
                String key = "hskey-auth-" + java.util.UUID.randomUUID().toString().replace("-", "");
                keys.add(new Key(id, u, key, in.getBoolean("reusable", false), in.getBoolean("ephemeral", false), false));
                reply(ex, 200, Json.createObjectBuilder().add("preAuthKey", Json.createObjectBuilder().add("id", id).add("user", u).add("key", key)
                        .add("reusable", in.getBoolean("reusable", false)).add("ephemeral", in.getBoolean("ephemeral", false))
                        .add("expiration", in.getString("expiration", ""))).build());
            } else if (path.equals("/api/v1/preauthkey/expire") && method.equals("POST")) {
                String k = in.getString("key");
                synchronized (keys) {
                    keys.replaceAll(x -> x.key().equals(k) ? new Key(x.id(), x.user(), x.key(), x.reusable(), x.ephemeral(), true) : x);
                }
                reply(ex, 200, JsonObject.EMPTY_JSON_OBJECT);
            } else if (path.equals("/api/v1/node") && method.equals("GET")) {
                String q = ex.getRequestURI().getQuery();
                String only = q != null && q.startsWith("user=") ? q.substring(5) : null;
                JsonArrayBuilder a = Json.createArrayBuilder();
                nodes.forEach((n, u) -> {
                    if (only == null || only.equals(u)) {
                        JsonObjectBuilder nb = Json.createObjectBuilder().add("id", nodeId(n)).add("name", n).add("givenName", n)
                                .add("user", Json.createObjectBuilder().add("name", u)).add("ipAddresses", Json.createArrayBuilder().add("100.64.0.9"))
                                .add("online", true);
                        if (nodeRoutes) {
                            JsonArrayBuilder avail = Json.createArrayBuilder(), approved = Json.createArrayBuilder();
                            synchronized (routes) {
                                for (Route r : routes) {
                                    if (!r.node().equals(n)) continue;
                                    avail.add(r.prefix());
                                    if (r.enabled()) approved.add(r.prefix());
                                }
                            }
                            nb.add("availableRoutes", avail).add("approvedRoutes", approved);
                        }
                        a.add(nb);
                    }
                });
                reply(ex, 200, Json.createObjectBuilder().add("nodes", a).build());
            } else if (nodeRoutes && path.startsWith("/api/v1/node/") && path.endsWith("/approve_routes") && method.equals("POST")) {
                String id = path.split("/")[4];
                String node = nodes.keySet().stream().filter(n -> nodeId(n).equals(id)).findFirst().orElse(null);
                if (node == null) {
                    reply(ex, 404, Json.createObjectBuilder().add("message", "node not found").build());
                    return;
                }
                List<String> want = in.getJsonArray("routes").getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).toList();
                synchronized (routes) {
                    routes.replaceAll(r -> r.node().equals(node) ? new Route(r.id(), r.node(), r.prefix(), want.contains(r.prefix())) : r);
                }
                reply(ex, 200, Json.createObjectBuilder().add("node", Json.createObjectBuilder().add("id", id)).build());
            } else if (!nodeRoutes && path.equals("/api/v1/routes") && method.equals("GET")) {
                JsonArrayBuilder a = Json.createArrayBuilder();
                synchronized (routes) {
                    for (Route r : routes) {
                        a.add(Json.createObjectBuilder().add("id", r.id()).add("node", Json.createObjectBuilder().add("name", r.node()).add("givenName", r.node()))
                                .add("prefix", r.prefix()).add("advertised", true).add("enabled", r.enabled()));
                    }
                }
                reply(ex, 200, Json.createObjectBuilder().add("routes", a).build());
            } else if (!nodeRoutes && path.startsWith("/api/v1/routes/") && method.equals("POST")) {
                String[] p = path.split("/");
                String id = p[4];
                boolean enable = p[5].equals("enable");
                synchronized (routes) {
                    routes.replaceAll(r -> r.id().equals(id) ? new Route(r.id(), r.node(), r.prefix(), enable) : r);
                }
                reply(ex, 200, JsonObject.EMPTY_JSON_OBJECT);
            } else {
                reply(ex, 404, Json.createObjectBuilder().add("message", "Not Found").build());
            }
        } catch (RuntimeException e) {
            reply(ex, 400, Json.createObjectBuilder().add("message", String.valueOf(e)).build());
        }
    }

    private static String nodeId(String name) { return Integer.toString(Math.abs(name.hashCode())); }

    private static void reply(HttpExchange ex, int status, JsonObject body) throws IOException {
        byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
