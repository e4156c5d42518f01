package io.guildnet.tailnet;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Headscale's REST API ({@code /api/v1}, Bearer API key; Headscale 0.23–0.25 shapes): users,
 * pre-auth keys, nodes, routes (list and enable) and {@code /health}. A small JDK HttpClient class
 * rather than a MicroProfile Rest Client so the batch steps and tests use it without CDI.
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
    private final HttpClient http;
    private final Duration timeout;

    public HeadscaleClient(String baseUrl, String apiKey, Duration timeout) {
        String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.base = URI.create(b);
        if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme())) || base.getHost() == null) {
            throw new IllegalArgumentException("Headscale URL must be http(s)://host[:port]");
        }
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    public URI base() { return base; }

    @Override
    public String toString() { return "HeadscaleClient[" + base + "]"; }

    /** {@code GET /health}: true when Headscale answers 200 (it checks its own database). */
    public boolean healthy() throws HeadscaleException {
        return send("GET", "/health", null, false).statusCode() == 200;
    }

    public List<User> users() throws HeadscaleException {
        List<User> out = new ArrayList<>();
        for (JsonObject u : array(call("GET", "/api/v1/user", null), "users")) out.add(user(u));
        return out;
    }

    public Optional<User> user(String name) throws HeadscaleException {
        return users().stream().filter(u -> u.name().equals(name)).findFirst();
    }

    /** Creates the user; returns the existing one when it is there already (idempotent). */
    public User ensureUser(String name) throws HeadscaleException {
        Optional<User> u = user(name);
        if (u.isPresent()) return u.get();
        return user(call("POST", "/api/v1/user", Json.createObjectBuilder().add("name", name).build()).getJsonObject("user"));
    }

    public void deleteUser(String name) throws HeadscaleException {
        call("DELETE", "/api/v1/user/" + name, null);
    }

    public PreAuthKey createPreAuthKey(String user, boolean reusable, boolean ephemeral, Duration validFor, List<String> tags)
            throws HeadscaleException {
        JsonObjectBuilder b = Json.createObjectBuilder().add("user", user).add("reusable", reusable).add("ephemeral", ephemeral)
                .add("expiration", Instant.now().plus(validFor).toString());
        if (tags != null && !tags.isEmpty()) b.add("aclTags", Json.createArrayBuilder(tags));
        JsonObject k = call("POST", "/api/v1/preauthkey", b.build()).getJsonObject("preAuthKey");
        return new PreAuthKey(str(k, "id"), user, k.getString("key"), k.getBoolean("reusable", reusable), k.getBoolean("ephemeral", ephemeral),
                str(k, "expiration"));
    }

    /** Expires a key (rollback of a mint). */
    public void expirePreAuthKey(String user, String key) throws HeadscaleException {
        call("POST", "/api/v1/preauthkey/expire", Json.createObjectBuilder().add("user", user).add("key", key).build());
    }

    public List<Node> nodes(String user) throws HeadscaleException {
        List<Node> out = new ArrayList<>();
        String q = user == null ? "" : "?user=" + java.net.URLEncoder.encode(user, java.nio.charset.StandardCharsets.UTF_8);
        for (JsonObject n : array(call("GET", "/api/v1/node" + q, null), "nodes")) {
            List<String> ips = new ArrayList<>();
            JsonArray a = n.getJsonArray("ipAddresses");
            if (a != null) a.getValuesAs(jakarta.json.JsonString.class).forEach(s -> ips.add(s.getString()));
            JsonObject u = n.getJsonObject("user");
            out.add(new Node(str(n, "id"), n.getString("name", ""), n.getString("givenName", ""), u == null ? "" : u.getString("name", ""),
                    ips, n.getBoolean("online", false)));
        }
        return out;
    }

    public List<Route> routes() throws HeadscaleException {
        List<Route> out = new ArrayList<>();
        for (JsonObject r : array(call("GET", "/api/v1/routes", null), "routes")) {
            JsonObject n = r.getJsonObject("node");
            String node = n == null ? "" : n.getString("givenName", n.getString("name", ""));
            out.add(new Route(str(r, "id"), node, r.getString("prefix", ""), r.getBoolean("advertised", false), r.getBoolean("enabled", false)));
        }
        return out;
    }

    public void enableRoute(String id) throws HeadscaleException {
        call("POST", "/api/v1/routes/" + id + "/enable", null);
    }

    public void disableRoute(String id) throws HeadscaleException {
        call("POST", "/api/v1/routes/" + id + "/disable", null);
    }

    // ---- transport ------------------------------------------------------------------------------

    private JsonObject call(String method, String path, JsonObject body) throws HeadscaleException {
        HttpResponse<String> r = send(method, path, body, true);
        int s = r.statusCode();
        if (s == 401 || s == 403) throw new HeadscaleException(s, "headscale_unauthorized", "Headscale refused the API key (" + s + ") for " + method + " " + path);
        if (s == 404) throw new HeadscaleException(s, "headscale_not_found", "Headscale has no " + path + " (404)");
        if (s / 100 != 2) throw new HeadscaleException(s, "headscale_error", "Headscale answered " + s + " to " + method + " " + path + ": " + brief(r.body()));
        String t = r.body() == null ? "" : r.body().trim();
        if (t.isEmpty()) return JsonValue.EMPTY_JSON_OBJECT;
        try {
            return Json.createReader(new StringReader(t)).readObject();
        } catch (RuntimeException e) {
            throw new HeadscaleException(s, "headscale_error", "Headscale answered " + method + " " + path + " with something that is not a JSON object");
        }
    }

    private HttpResponse<String> send(String method, String path, JsonObject body, boolean auth) throws HeadscaleException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).header("Accept", "application/json");
        if (auth && apiKey != null && !apiKey.isEmpty()) b.header("Authorization", "Bearer " + apiKey);
        if (body != null) b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        else b.method(method, HttpRequest.BodyPublishers.noBody());
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new HeadscaleException(0, "headscale_unreachable", base.getHost() + ":" + port() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeadscaleException(0, "headscale_unreachable", "interrupted");
        }
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
