package io.guildnet.cluster;

import io.guildnet.api.ApiException;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-cluster settings (all fields of the anchor's settings.Cluster, §4.5): one
 * source of truth in the host database. {@code ts_client_auth} is write-only: it is
 * stored as an encrypted credential and shown as {@code "***"} + {@code ts_client_auth_set}.
 */
public final class ClusterSettings {

    /** Fields whose change needs a new Kubernetes client (the instance is rebuilt). */
    public static final Set<String> CLIENT_FIELDS = Set.of("api_proxy_url", "api_proxy_force_http", "disable_api_proxy",
            "ts_login_server", "ts_routes", "ts_state_path", "headscale_namespace", "ts_client_auth");

    public static final String SECRET_FIELD = "ts_client_auth";
    /** The cluster's RethinkDB password: write-only like {@link #SECRET_FIELD}, stored encrypted, applied live. */
    public static final String RDB_SECRET_FIELD = "rdb_pass";

    enum T { STR, BOOL }

    private static final Map<String, T> FIELDS = new LinkedHashMap<>();

    static {
        for (String s : List.of("name", "namespace", "api_proxy_url", "ingress_domain", "ingress_class_name", "workspace_tls_secret",
                "cert_manager_issuer", "ingress_auth_url", "ingress_auth_signin", "image_pull_secret", "org_id", "ts_login_server",
                "ts_routes", "ts_state_path", "headscale_namespace", "rdb_addr", "rdb_user")) FIELDS.put(s, T.STR);
        for (String b : List.of("api_proxy_force_http", "disable_api_proxy", "prefer_pod_proxy", "use_port_forward", "workspace_lb_enabled")) {
            FIELDS.put(b, T.BOOL);
        }
    }

    private final JsonObject values;

    private ClusterSettings(JsonObject values) {
        this.values = values;
    }

    public static ClusterSettings empty() { return new ClusterSettings(JsonValue.EMPTY_JSON_OBJECT); }

    /** From stored JSON (lenient booleans, as the anchor stored them). */
    public static ClusterSettings fromStored(JsonObject stored) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        for (Map.Entry<String, JsonValue> e : stored.entrySet()) {
            T t = FIELDS.get(e.getKey());
            if (t == T.BOOL) b.add(e.getKey(), lenientBool(e.getValue()));
            else if (t == T.STR && e.getValue() instanceof JsonString s) b.add(e.getKey(), s.getString());
        }
        return new ClusterSettings(b.build());
    }

    static boolean lenientBool(JsonValue v) {
        return switch (v.getValueType()) {
            case TRUE -> true;
            case STRING -> {
                String s = ((JsonString) v).getString().trim().toLowerCase();
                yield s.equals("true") || s.equals("1") || s.equals("yes");
            }
            case NUMBER -> ((JsonNumber) v).doubleValue() != 0;
            default -> false;
        };
    }

    /**
     * Applies a client patch: strict types, validated values, unknown fields rejected.
     * Returns the new settings; {@code changed} receives the changed field names and
     * {@code secret} the new ts_client_auth ("" to clear) when given.
     */
    public ClusterSettings apply(JsonObject patch, Set<String> changed, String[] secret) {
        return apply(patch, changed, secret, new String[1]);
    }

    /** As {@link #apply(JsonObject, Set, String[])}; {@code rdbPass} receives the new rdb_pass ("" to clear) when given. */
    public ClusterSettings apply(JsonObject patch, Set<String> changed, String[] secret, String[] rdbPass) {
        List<String> unknown = new ArrayList<>();
        for (String k : patch.keySet()) {
            if (!FIELDS.containsKey(k) && !k.equals(SECRET_FIELD) && !k.equals(SECRET_FIELD + "_set")
                    && !k.equals(RDB_SECRET_FIELD) && !k.equals(RDB_SECRET_FIELD + "_set")) unknown.add(k);
        }
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("unknown_field", "unknown cluster setting(s): " + String.join(", ", unknown),
                    Map.of("fields", unknown, "allowed", allowed()));
        }
        JsonObjectBuilder b = Json.createObjectBuilder(values);
        for (Map.Entry<String, JsonValue> e : patch.entrySet()) {
            String k = e.getKey();
            JsonValue v = e.getValue();
            if (k.equals(SECRET_FIELD + "_set") || k.equals(RDB_SECRET_FIELD + "_set")) continue;
            if (k.equals(RDB_SECRET_FIELD)) {
                if (!(v instanceof JsonString s)) throw invalid(k, "a string");
                if (s.getString().equals("***")) continue;
                // the view of an unset password posted back is not a change
                if (s.getString().isEmpty() && patch.get(RDB_SECRET_FIELD + "_set") == JsonValue.FALSE) continue;
                rdbPass[0] = s.getString();
                changed.add(k);
                continue;
            }
            if (k.equals(SECRET_FIELD)) {
                if (!(v instanceof JsonString s)) throw invalid(k, "a string");
                if (s.getString().equals("***")) continue;
                secret[0] = s.getString().trim();
                changed.add(k);
                continue;
            }
            if (FIELDS.get(k) == T.BOOL) {
                if (v.getValueType() != JsonValue.ValueType.TRUE && v.getValueType() != JsonValue.ValueType.FALSE) throw invalid(k, "a boolean");
                boolean nb = v == JsonValue.TRUE;
                if (bool(k) != nb) changed.add(k);
                b.add(k, nb);
            } else {
                if (!(v instanceof JsonString s)) throw invalid(k, "a string");
                String ns = s.getString().trim();
                validate(k, ns);
                if (!ns.equals(string(k))) changed.add(k);
                b.add(k, ns);
            }
        }
        return new ClusterSettings(b.build());
    }

    private static void validate(String k, String v) {
        if (v.isEmpty()) return;
        switch (k) {
            case "namespace" -> {
                if (!v.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) throw invalid(k, "a Kubernetes namespace name");
            }
            case "rdb_addr" -> {
                if (!v.matches("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?")) throw invalid(k, "host:port of a RethinkDB server");
            }
            case "api_proxy_url", "ingress_auth_url", "ingress_auth_signin", "ts_login_server" -> {
                try {
                    URI u = URI.create(v);
                    if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) throw invalid(k, "an http(s) URL");
                } catch (IllegalArgumentException e) {
                    throw invalid(k, "an http(s) URL");
                }
            }
            default -> {
                if (v.length() > 1024) throw invalid(k, "at most 1024 characters");
            }
        }
    }

    private static ApiException invalid(String field, String expected) {
        return ApiException.badRequest("invalid_field", field + " must be " + expected, Map.of("field", field, "expected", expected));
    }

    public static List<String> allowed() {
        List<String> a = new ArrayList<>(FIELDS.keySet());
        a.add(SECRET_FIELD);
        a.add(RDB_SECRET_FIELD);
        return a;
    }

    public String string(String field) { return values.getString(field, ""); }

    public boolean bool(String field) { return values.getBoolean(field, false); }

    public String namespace() {
        String ns = string("namespace");
        return ns.isEmpty() ? "default" : ns;
    }

    /** Stored form (no secrets). */
    public JsonObject stored() { return values; }

    /** The view a client sees: every field present, the secret redacted. */
    public JsonObject view(boolean secretSet) {
        return view(secretSet, false);
    }

    /** The view with both write-only fields redacted ({@code "***"} + {@code <field>_set}). */
    public JsonObject view(boolean secretSet, boolean rdbPassSet) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        for (Map.Entry<String, T> e : FIELDS.entrySet()) {
            if (e.getValue() == T.BOOL) b.add(e.getKey(), bool(e.getKey()));
            else b.add(e.getKey(), string(e.getKey()));
        }
        b.add(SECRET_FIELD, secretSet ? "***" : "");
        b.add(SECRET_FIELD + "_set", secretSet);
        b.add(RDB_SECRET_FIELD, rdbPassSet ? "***" : "");
        b.add(RDB_SECRET_FIELD + "_set", rdbPassSet);
        return b.build();
    }
}
