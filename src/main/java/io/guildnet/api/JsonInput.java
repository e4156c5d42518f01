package io.guildnet.api;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.util.Map;
import java.util.Set;

/** Strict reading of JSON request bodies with the error codes of docs/api.md. */
public final class JsonInput {

    private JsonInput() {}

    /** Parses a body that must be one JSON object. */
    public static JsonObject object(String body) {
        if (body == null || body.isBlank()) throw ApiException.badRequest("empty_body", "request body is empty; expected a JSON object");
        JsonStructure s;
        try (JsonReader r = Json.createReader(new StringReader(body))) {
            s = r.read();
        } catch (JsonParsingException e) {
            var loc = e.getLocation();
            throw ApiException.badRequest("bad_json", "request body is not valid JSON",
                    loc == null ? null : Map.of("line", loc.getLineNumber(), "column", loc.getColumnNumber()));
        } catch (JsonException e) {
            throw ApiException.badRequest("bad_json", "request body is not valid JSON");
        }
        if (!(s instanceof JsonObject o)) throw ApiException.badRequest("bad_body", "expected a JSON object");
        return o;
    }

    /** Rejects keys outside {@code allowed}. */
    public static void onlyFields(JsonObject o, Set<String> allowed) {
        var unknown = o.keySet().stream().filter(k -> !allowed.contains(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("unknown_field", "unknown field(s): " + String.join(", ", unknown),
                    Map.of("fields", unknown, "allowed", allowed.stream().sorted().toList()));
        }
    }

    /** A string field; absent or null gives {@code null}; another type is 400. */
    public static String string(JsonObject o, String field) {
        if (!o.containsKey(field) || o.isNull(field)) return null;
        JsonValue v = o.get(field);
        if (!(v instanceof JsonString s)) throw ApiException.badRequest("invalid_field", field + " must be a string", Map.of("field", field));
        return s.getString();
    }

    public static String requiredString(JsonObject o, String field) {
        String s = string(o, field);
        if (s == null || s.isBlank()) throw ApiException.badRequest("missing_field", field + " is required", Map.of("field", field));
        return s.trim();
    }

    /** A whole-number query parameter within [min, max]; absent gives {@code dflt}; anything else is 400 {@code invalid_limit}. */
    public static int boundedInt(String raw, int dflt, int min, int max, String name) {
        if (raw == null) return dflt;
        int n;
        try {
            n = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            n = min - 1;
        }
        if (n < min || n > max) {
            throw ApiException.badRequest("invalid_limit", name + " must be a whole number from " + min + " to " + max);
        }
        return n;
    }

    /** The optional {@code {"name": ...}} body of a create request (empty body allowed). */
    public static String optionalName(String body) {
        if (body == null || body.isBlank()) return null;
        JsonObject o = object(body);
        onlyFields(o, Set.of("name"));
        return string(o, "name");
    }
}
