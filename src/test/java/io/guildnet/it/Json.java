package io.guildnet.it;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;

/** JSON helpers for tests. */
final class Json {
    private Json() {}

    static JsonObject obj(String s) {
        return jakarta.json.Json.createReader(new StringReader(s)).readObject();
    }

    static JsonArray arr(String s) {
        return jakarta.json.Json.createReader(new StringReader(s)).readArray();
    }
}
