package io.guildnet.rethink;

import io.guildnet.api.ApiException;
import java.util.Locale;
import java.util.Map;

/**
 * Names: the anchor's physical database name {@code org_<org>__<db>} (lower case, other
 * characters as {@code _}) so databases it created are found again; user-facing ids and table
 * names are validated instead of silently rewritten.
 */
public final class DbNames {

    public static final String META_PREFIX = "_";
    public static final String INFO = "_info", SCHEMAS = "_schemas", AUDIT = "_audit", PERMISSIONS = "_permissions", VIEWS = "_views";
    public static final java.util.List<String> META = java.util.List.of(INFO, SCHEMAS, AUDIT, PERMISSIONS, VIEWS);

    private DbNames() {}

    static String sanitize(String s) {
        String l = s == null ? "" : s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
        return l.isEmpty() ? "default" : l;
    }

    public static String prefix(String org) { return "org_" + sanitize(org) + "__"; }

    public static String physical(String org, String db) { return prefix(org) + sanitize(db); }

    /** A database id: 1–64 of {@code [a-z0-9_-]}, starting with a letter or digit (so it maps 1:1 to the physical name). */
    public static String dbId(String id) {
        if (id == null || !id.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
            throw ApiException.badRequest("invalid_id", "database id must be 1-64 characters of a-z, 0-9, _ and -, starting with a letter or digit",
                    Map.of("field", "id"));
        }
        if (id.equals("health") || id.equals("credentials")) {
            throw ApiException.badRequest("invalid_id", "database id " + id + " is reserved", Map.of("field", "id"));
        }
        return id;
    }

    /** A table name as RethinkDB accepts it ({@code [A-Za-z0-9_]}, at most 64), not starting with {@code _} (meta tables). */
    public static String table(String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_]{0,63}")) {
            throw ApiException.badRequest("invalid_name", "table name must be 1-64 characters of A-Z, a-z, 0-9 and _, not starting with _",
                    Map.of("field", "name"));
        }
        return name;
    }

    public static String field(String name, String what) {
        if (name == null || name.isBlank() || name.length() > 128) {
            throw ApiException.badRequest("invalid_spec", what + " must be a non-empty field name of at most 128 characters");
        }
        return name;
    }
}
