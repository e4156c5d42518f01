package io.guildnet.tailnet;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.IOException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.rest.client.RestClientBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Headscale's REST API ({@code /api/v1}, Bearer API key; Headscale 0.23–0.25 shapes): users,
 * pre-auth keys, nodes, routes (list and enable) and {@code /health}, over the MicroProfile Rest Client
 * {@link HeadscaleApi} built programmatically ({@code RestClientBuilder}) so batch steps and tests use it without CDI.
 * The API key and minted keys are never put in an exception message or {@link #toString()}.
 */
public final class HeadscaleClient {

    /** A Headscale API failure: {@code status} 0 when the server was not reached. */
    public static final class HeadscaleException extends IOException {
        private final int status;
        private final String code;

        HeadscaleException(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }

        public int status() { return status; }

        /** {@code headscale_unreachable}, {@code headscale_unauthorized}, {@code headscale_not_found} or {@code headscale_error}. */
        public String code() { return code; }
    }

    public record User(String id, String name) {}

    public record PreAuthKey(String id, String user, String key, boolean reusable, boolean ephemeral, String expiration) {
        @Override
        public String toString() {
            return "PreAuthKey[" + id + ", user=" + user + ", reusable=" + reusable + ", expiration=" + expiration + "]";
        }
    }

    public record Node(String id, String name, String givenName, String user, List<String> ips, boolean online) {}

    public record Route(String id, String node, String prefix, boolean advertised, boolean enabled) {}

    private final URI base;
    private final String apiKey;
    private final Duration timeout;

    public HeadscaleClient(String baseUrl, String apiKey, Duration timeout) {
        String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.base = URI.create(b);
        if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme())) || base.getHost() == null) {
            throw new IllegalArgumentException("Headscale URL must be http(s)://host[:port]");
        }
        this.apiKey = apiKey;
        this.timeout = timeout;
    }

    public URI base() { return base; }

    @Override
    public String toString() { return "HeadscaleClient[" + base + "]"; }

    /** {@code GET /health}: true when Headscale answers 200 (it checks its own database). */
    public boolean healthy() throws HeadscaleException {
        try {
            return call("GET /health", false, api -> {
                try (Response r = api.health()) {
                    return r.getStatus() == 200;
                }
            });
        } catch (HeadscaleException e) {
            if (e.status() > 0) return false; // answered, but not 200
            throw e;
        }
    }

    public List<User> users() throws HeadscaleException {
        List<User> out = new ArrayList<>();
        for (JsonObject u : array(call("GET /api/v1/user", true, HeadscaleApi::listUsers), "users")) out.add(user(u));
        return out;
    }

    public Optional<User> user(String name) throws HeadscaleException {
        return users().stream().filter(u -> u.name().equals(name)).findFirst();
    }

    /** Creates the user; returns the existing one when it is there already (idempotent). */
    public User ensureUser(String name) throws HeadscaleException {
        Optional<User> u = user(name);
        if (u.isPresent()) return u.get();
        return user(call("POST /api/v1/user", true, api -> orEmpty(api.createUser(Json.createObjectBuilder().add("name", name).build()))).getJsonObject("user"));
    }

    public void deleteUser(String name) throws HeadscaleException {
        call("DELETE /api/v1/user/" + name, true, api -> {
            api.deleteUser(name);
            return null;
        });
    }

    public PreAuthKey createPreAuthKey(String user, boolean reusable, boolean ephemeral, Duration validFor, List<String> tags)
            throws HeadscaleException {
        JsonObjectBuilder b = Json.createObjectBuilder().add("user", user).add("reusable", reusable).add("ephemeral", ephemeral)
                .add("expiration", Instant.now().plus(validFor).toString());
        if (tags != null && !tags.isEmpty()) b.add("aclTags", Json.createArrayBuilder(tags));
        JsonObject body = b.build();
        JsonObject k = call("POST /api/v1/preauthkey", true, api -> orEmpty(api.createPreAuthKey(body))).getJsonObject("preAuthKey");
        if (k == null) throw new HeadscaleException(200, "headscale_error", "Headscale answered POST /api/v1/preauthkey without a preAuthKey");
        return new PreAuthKey(str(k, "id"), user, k.getString("key"), k.getBoolean("reusable", reusable), k.getBoolean("ephemeral", ephemeral),
                str(k, "expiration"));
    }

    /** Expires a key (rollback of a mint). */
    public void expirePreAuthKey(String user, String key) throws HeadscaleException {
        JsonObject body = Json.createObjectBuilder().add("user", user).add("key", key).build();
        call("POST /api/v1/preauthkey/expire", true, api -> {
            api.expirePreAuthKey(body);
            return null;
        });
    }

    public List<Node> nodes(String user) throws HeadscaleException {
        List<Node> out = new ArrayList<>();
        for (JsonObject n : array(call("GET /api/v1/node", true, api -> orEmpty(api.listNodes(user))), "nodes")) {
            List<String> ips = new ArrayList<>();
            JsonArray a = n.getJsonArray("ipAddresses");
            if (a != null) a.getValuesAs(jakarta.json.JsonString.class).forEach(s -> ips.add(s.getString()));
            JsonObject u = n.getJsonObject("user");
            out.add(new Node(str(n, "id"), n.getString("name", ""), n.getString("givenName", ""), u == null ? "" : u.getString("name", ""),
                    ips, n.getBoolean("online", false)));
        }
        return out;
    }

    /**
     * Every advertised route. Headscale 0.23–0.25 list them at {@code /api/v1/routes}; 0.26+ dropped
     * that (404) and keep them on the nodes, where a route's id here is {@code <nodeId>/<prefix>}.
     */
    public List<Route> routes() throws HeadscaleException {
        List<Route> out = new ArrayList<>();
        JsonObject listed;
        try {
            listed = call("GET /api/v1/routes", true, api -> orEmpty(api.listRoutes()));
        } catch (HeadscaleException e) {
            if (e.status() != 404) throw e;
            return nodeRoutes();
        }
        for (JsonObject r : array(listed, "routes")) {
            JsonObject n = r.getJsonObject("node");
            String node = n == null ? "" : n.getString("givenName", n.getString("name", ""));
            out.add(new Route(str(r, "id"), node, r.getString("prefix", ""), r.getBoolean("advertised", false), r.getBoolean("enabled", false)));
        }
        return out;
    }

    /** Headscale 0.26+: routes from the node list ({@code availableRoutes}, enabled when in {@code approvedRoutes}). */
    private List<Route> nodeRoutes() throws HeadscaleException {
        List<Route> out = new ArrayList<>();
        for (JsonObject n : array(call("GET /api/v1/node", true, api -> orEmpty(api.listNodes(null))), "nodes")) {
            List<String> approved = strings(n, "approvedRoutes");
            String node = n.getString("givenName", n.getString("name", ""));
            for (String prefix : strings(n, "availableRoutes")) {
                out.add(new Route(str(n, "id") + "/" + prefix, node, prefix, true, approved.contains(prefix)));
            }
        }
        return out;
    }

    private static List<String> strings(JsonObject o, String key) {
        List<String> out = new ArrayList<>();
        JsonArray a = o.getJsonArray(key);
        if (a != null) a.getValuesAs(jakarta.json.JsonString.class).forEach(x -> out.add(x.getString()));
        return out;
    }

    public void enableRoute(String id) throws HeadscaleException {
        if (id.contains("/")) {
            setApproved(id, true);
            return;
        }
        call("POST /api/v1/routes/" + id + "/enable", true, api -> {
            api.enableRoute(id);
            return null;
        });
    }

    public void disableRoute(String id) throws HeadscaleException {
        if (id.contains("/")) {
            setApproved(id, false);
            return;
        }
        call("POST /api/v1/routes/" + id + "/disable", true, api -> {
            api.disableRoute(id);
            return null;
        });
    }

    /** 0.26+: a node's approved list is replaced as a whole, so read it, add or remove the prefix, write it back. */
    private void setApproved(String routeId, boolean approve) throws HeadscaleException {
        int slash = routeId.indexOf('/');
        String nodeId = routeId.substring(0, slash), prefix = routeId.substring(slash + 1);
        JsonObject node = array(call("GET /api/v1/node", true, api -> orEmpty(api.listNodes(null))), "nodes").stream()
                .filter(n -> nodeId.equals(str(n, "id"))).findFirst()
                .orElseThrow(() -> new HeadscaleException(404, "headscale_not_found", "Headscale has no node " + nodeId));
        List<String> approved = strings(node, "approvedRoutes");
        if (approve == approved.contains(prefix)) return;
        if (approve) approved.add(prefix);
        else approved.remove(prefix);
        JsonObject body = Json.createObjectBuilder().add("routes", Json.createArrayBuilder(approved)).build();
        call("POST /api/v1/node/" + nodeId + "/approve_routes", true, api -> orEmpty(api.approveRoutes(nodeId, body)));
    }

    // ---- transport: MicroProfile Rest Client ----------------------------------------------------

    /** Adds {@code Authorization: Bearer <key>}; the key never appears in {@link #toString()} or a log. */
    static final class BearerAuth implements ClientRequestFilter {
        private final String key;

        BearerAuth(String key) { this.key = key; }

        @Override
        public void filter(ClientRequestContext ctx) {
            if (key != null && !key.isEmpty()) ctx.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + key);
        }

        @Override
        public String toString() { return "BearerAuth[***]"; }
    }

    @FunctionalInterface
    private interface ApiCall<T> {
        T apply(HeadscaleApi api);
    }

    /**
     * Builds a Rest Client for this Headscale (per call, closed after it: a client owns a connection
     * pool and HeadscaleClient instances are short-lived), runs {@code op} and maps failures.
     * {@code auth} false omits the Bearer filter (for {@code /health}).
     */
    private <T> T call(String what, boolean auth, ApiCall<T> op) throws HeadscaleException {
        RestClientBuilder b = RestClientBuilder.newBuilder().baseUri(base)
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (auth) b.register(new BearerAuth(apiKey));
        HeadscaleApi api;
        try {
            api = b.build(HeadscaleApi.class);
        } catch (RuntimeException e) {
            throw new HeadscaleException(0, "headscale_error", "cannot build a Headscale REST client: " + e.getClass().getSimpleName());
        }
        try (api) {
            T r = op.apply(api);
            return r;
        } catch (WebApplicationException e) {
            int s = e.getResponse() == null ? 0 : e.getResponse().getStatus();
            if (s == 401 || s == 403) throw new HeadscaleException(s, "headscale_unauthorized", "Headscale refused the API key (" + s + ") for " + what);
            if (s == 404) throw new HeadscaleException(s, "headscale_not_found", "Headscale has no " + what + " (404)");
            throw new HeadscaleException(s, "headscale_error", "Headscale answered " + s + " to " + what + ": " + brief(body(e.getResponse())));
        } catch (ProcessingException e) {
            if (causedBy(e, jakarta.json.JsonException.class)) {
                throw new HeadscaleException(200, "headscale_error", "Headscale answered " + what + " with something that is not a JSON object");
            }
            Throwable c = rootCause(e);
            throw new HeadscaleException(0, "headscale_unreachable", base.getHost() + ":" + port() + ": " + c.getClass().getSimpleName()
                    + (c.getMessage() == null ? "" : " " + c.getMessage()));
        }
    }

    private static String body(Response r) {
        if (r == null) return "";
        try {
            return r.hasEntity() ? r.readEntity(String.class) : "";
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) if (type.isInstance(c)) return true;
        return false;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c;
    }

    private static JsonObject orEmpty(JsonObject o) {
        return o == null ? JsonValue.EMPTY_JSON_OBJECT : o;
    }

    private int port() {
        return base.getPort() > 0 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
    }

    private static List<JsonObject> array(JsonObject o, String field) {
        JsonArray a = o.getJsonArray(field);
        return a == null ? List.of() : a.getValuesAs(JsonObject.class);
    }

    private static User user(JsonObject u) {
        return new User(str(u, "id"), u.getString("name", ""));
    }

    /** Headscale sends uint64 ids as strings (grpc-gateway) or numbers depending on the version. */
    private static String str(JsonObject o, String f) {
        JsonValue v = o.get(f);
        if (v == null || v == JsonValue.NULL) return "";
        return v instanceof jakarta.json.JsonString s ? s.getString() : v.toString();
    }

    private static String brief(String s) {
        if (s == null) return "";
        String t = s.strip();
        return t.length() > 200 ? t.substring(0, 200) : t;
    }
}
