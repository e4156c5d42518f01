package io.guildnet.api;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.util.Collection;
import java.util.Map;

/** The one error shape: {@code {code, message, request_id, details?}}. */
public final class ErrorBody {

    private ErrorBody() {}

    public static String json(String code, String message, String requestId, Object details) {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("code", code == null ? "error" : code)
                .add("message", message == null ? "" : message);
        if (requestId != null && !requestId.isEmpty()) b.add("request_id", requestId);
        if (details != null) b.add("details", toJson(details));
        return b.build().toString();
    }

    /** Converts simple Java values (maps, collections, strings, numbers, booleans, JsonValue) to JSON. */
    public static JsonValue toJson(Object v) {
        if (v == null) return JsonValue.NULL;
        if (v instanceof JsonValue jv) return jv;
        if (v instanceof String s) return Json.createValue(s);
        if (v instanceof Integer i) return Json.createValue(i);
        if (v instanceof Long l) return Json.createValue(l);
        if (v instanceof Number n) return Json.createValue(n.doubleValue());
        if (v instanceof Boolean b) return b ? JsonValue.TRUE : JsonValue.FALSE;
        if (v instanceof Map<?, ?> m) {
            JsonObjectBuilder b = Json.createObjectBuilder();
            m.forEach((k, val) -> b.add(String.valueOf(k), toJson(val)));
            return b.build();
        }
        if (v instanceof Collection<?> c) {
            JsonArrayBuilder a = Json.createArrayBuilder();
            c.forEach(x -> a.add(toJson(x)));
            return a.build();
        }
        return Json.createValue(String.valueOf(v));
    }

    /** A generic code for a status when nothing more specific is known. */
    public static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 408 -> "request_timeout";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 422 -> "unprocessable";
            case 429 -> "too_many_requests";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal_error" : "error";
        };
    }
}
