package io.guildnet.sdk;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;

/** Host-level health and identity. */
public final class Health {
    private final Transport t;

    Health(Transport t) {
        this.t = t;
    }

    /** {@code /api/health}: cached health of every cluster and Headscale. */
    public JsonObject global() {
        return t.object("GET", "/api/health", null);
    }

    /** {@code /api/ui-config}: {@code {name, version, auth_mode, listen_local}}. */
    public JsonObject info() {
        return t.object("GET", "/api/ui-config", null);
    }

    /** {@code /healthz} answers 200. */
    public boolean alive() {
        return t.send("GET", "/healthz", null, null, null).statusCode() == 200;
    }

    /**
     * A MicroProfile Health probe ({@code live}, {@code ready}, {@code started}): the JSON body, also
     * when the probe is DOWN (503 is an answer here, not retried).
     */
    public JsonObject probe(String which) {
        if (!java.util.Set.of("live", "ready", "started").contains(which)) throw new IllegalArgumentException("live, ready or started");
        try {
            HttpResponse<String> r = t.http().send(t.request("GET", "/health/" + which, null, null, "application/json",
                    java.time.Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            JsonValue v = Transport.parse(r.body());
            return v.getValueType() == JsonValue.ValueType.OBJECT ? v.asJsonObject() : JsonValue.EMPTY_JSON_OBJECT;
        } catch (java.io.IOException e) {
            throw new ConnectionException("cannot reach " + t.base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionException("interrupted", e);
        }
    }

    /** The principal the server sees for this client: {@code {principal, via, authenticated}}. */
    public JsonObject session() {
        return t.object("GET", "/api/auth/session", null);
    }
}
