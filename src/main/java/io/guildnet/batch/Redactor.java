package io.guildnet.batch;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text and JSON before anything reaches a job log, a report or an API
 * response: bearer tokens, {@code token=}/{@code password:}-style values, Tailscale keys,
 * PEM blocks and credentials in URLs. Keys that name a secret have their whole value replaced.
 */
public final class Redactor {

    public static final String MASK = "***";

    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]+");
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)((?:token|password|passwd|secret|preauth[_-]?key|auth[_-]?key|api[_-]?key|client-key-data|client-certificate-data|ts_client_auth)"
                    + "\"?'?\\s*[:=]\\s*\"?'?)([^\\s\"',}&]+)");
    private static final Pattern TSKEY = Pattern.compile("tskey-[A-Za-z0-9-]+");
    private static final Pattern PEM = Pattern.compile("-----BEGIN [A-Z ]+-----[\\s\\S]*?-----END [A-Z ]+-----");
    private static final Pattern URL_USERINFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]+@");

    private Redactor() {}

    /** Text with every recognisable secret replaced by {@value #MASK}. */
    public static String text(String s) {
        if (s == null || s.isEmpty()) return s;
        String out = PEM.matcher(s).replaceAll(MASK);
        out = BEARER.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK));
        out = KEY_VALUE.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK));
        out = TSKEY.matcher(out).replaceAll("tskey-" + Matcher.quoteReplacement(MASK));
        out = URL_USERINFO.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "@");
        return out;
    }

    /** Whether a field of this name holds a secret (its value is never shown). */
    public static boolean secretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("token") || k.contains("password") || k.contains("passwd") || k.contains("secret") && !k.endsWith("_secret_name")
                && !k.equals("workspace_tls_secret") && !k.equals("image_pull_secret")
                || k.contains("preauth") || k.contains("auth_key") || k.contains("authkey") || k.equals("ts_client_auth")
                || k.contains("kubeconfig") || k.contains("credential") || k.endsWith("_key") || k.equals("key");
    }

    /**
     * Whether this field's value is a secret: {@link #secretKey}, or {@code pass}/{@code rdb_pass}
     * holding text. As a number or boolean those are a count or a flag (a verify report's
     * {@code summary.pass}), which must stay readable.
     */
    public static boolean secret(String key, Object value) {
        if (secretKey(key)) return true;
        String k = key.toLowerCase(Locale.ROOT);
        if (!(k.equals("pass") || k.endsWith("_pass"))) return false;
        if (value instanceof JsonValue v) {
            return v.getValueType() != JsonValue.ValueType.NUMBER && v.getValueType() != JsonValue.ValueType.TRUE
                    && v.getValueType() != JsonValue.ValueType.FALSE;
        }
        return !(value instanceof Number || value instanceof Boolean);
    }

    /** JSON with secret-named fields masked and every string run through {@link #text}. */
    public static JsonValue json(JsonValue v) {
        if (v instanceof JsonObject o) return object(o);
        if (v instanceof JsonArray a) {
            JsonArrayBuilder b = Json.createArrayBuilder();
            a.forEach(x -> b.add(json(x)));
            return b.build();
        }
        if (v instanceof JsonString s) return Json.createValue(text(s.getString()));
        return v;
    }

    public static JsonObject object(JsonObject o) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        o.forEach((k, x) -> {
            if (secret(k, x) && x.getValueType() != JsonValue.ValueType.NULL
                    && !(x instanceof JsonString s && s.getString().isEmpty())) {
                b.add(k, MASK);
            } else {
                b.add(k, json(x));
            }
        });
        return b.build();
    }
}
