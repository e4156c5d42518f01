package io.guildnet.settings;

import io.guildnet.api.ApiException;
import io.guildnet.config.GuildNetConfig;
import io.guildnet.config.GuildNetConfig.AuthMode;
import io.guildnet.security.SecretStore;
import io.guildnet.settings.SettingsSchema.Field;
import io.guildnet.settings.SettingsSchema.Type;
import io.guildnet.store.StateStore;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Host-wide settings (tailscale, database, global): one source of truth in the
 * state database, cached in memory, applied live through {@link SettingsChanged}
 * events — never by restarting the process.
 */
@ApplicationScoped
public class SettingsService {

    @Inject
    StateStore store;

    @Inject
    SecretStore secrets;

    @Inject
    GuildNetConfig config;

    @Inject
    Event<SettingsChanged> changed;

    /** Non-secret values per kind (strings and booleans as JSON). */
    private final Map<String, JsonObject> cache = new ConcurrentHashMap<>();

    @PostConstruct
    void load() {
        for (String kind : SettingsSchema.kinds()) {
            Optional<String> raw = store.read(c -> store.settings().get(c, kind, ""));
            cache.put(kind, raw.map(s -> Json.createReader(new StringReader(s)).readObject()).orElse(JsonValue.EMPTY_JSON_OBJECT));
        }
    }

    static String secretId(String kind, String field) {
        return "settings:" + kind + ":" + field;
    }

    /** The settings as a client sees them: defaults filled in, secrets redacted. */
    public JsonObject view(String kind) {
        List<Field> fields = SettingsSchema.fields(kind);
        JsonObject stored = cache.getOrDefault(kind, JsonValue.EMPTY_JSON_OBJECT);
        JsonObjectBuilder b = Json.createObjectBuilder();
        for (Field f : fields) {
            switch (f.type()) {
                case SECRET -> {
                    boolean set = secrets.exists(secretId(kind, f.name()));
                    b.add(f.name(), set ? SettingsSchema.REDACTED : "");
                    b.add(f.name() + "_set", set);
                }
                case BOOL -> b.add(f.name(), stored.containsKey(f.name()) ? stored.getBoolean(f.name()) : defaultBool(kind, f.name()));
                default -> b.add(f.name(), stored.containsKey(f.name()) ? stored.getString(f.name()) : defaultString(kind, f.name()));
            }
        }
        return b.build();
    }

    private String defaultString(String kind, String field) {
        if (!kind.equals("global")) return "";
        return switch (field) {
            case "default_namespace" -> "default";
            case "listen_local" -> config.listen().authority();
            case "auth_mode" -> config.authMode().wire();
            default -> "";
        };
    }

    private boolean defaultBool(String kind, String field) {
        return kind.equals("global") && field.equals("embed_operator");
    }

    /**
     * Applies the given fields (absent fields keep their value). Secrets: {@code "***"}
     * keeps the stored value, {@code ""} clears it. Everything is validated before
     * anything is written; the write is one transaction.
     */
    public Set<String> update(String kind, JsonObject patch) {
        List<Field> fields = SettingsSchema.fields(kind);
        Map<String, Field> byName = new LinkedHashMap<>();
        fields.forEach(f -> byName.put(f.name(), f));

        List<String> unknown = new ArrayList<>();
        for (String k : patch.keySet()) {
            if (!byName.containsKey(k) && !(k.endsWith("_set") && byName.containsKey(k.substring(0, k.length() - 4))
                    && byName.get(k.substring(0, k.length() - 4)).type() == Type.SECRET)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("unknown_field", "unknown field(s) for " + kind + " settings: " + String.join(", ", unknown),
                    Map.of("fields", unknown, "allowed", List.copyOf(byName.keySet())));
        }

        JsonObject current = cache.getOrDefault(kind, JsonValue.EMPTY_JSON_OBJECT);
        JsonObjectBuilder next = Json.createObjectBuilder(current);
        Map<String, String> secretSets = new LinkedHashMap<>();
        Set<String> secretClears = new LinkedHashSet<>();
        Set<String> changedFields = new LinkedHashSet<>();
        for (Field f : fields) {
            if (!patch.containsKey(f.name())) continue;
            JsonValue v = patch.get(f.name());
            switch (f.type()) {
                case BOOL -> {
                    if (v.getValueType() != JsonValue.ValueType.TRUE && v.getValueType() != JsonValue.ValueType.FALSE) {
                        throw invalid(f, "must be a boolean");
                    }
                    boolean bv = v == JsonValue.TRUE;
                    if (!current.containsKey(f.name()) || current.getBoolean(f.name()) != bv) changedFields.add(f.name());
                    next.add(f.name(), bv);
                }
                case SECRET -> {
                    String s = string(f, v);
                    if (s.equals(SettingsSchema.REDACTED)) continue;
                    if (!f.valid().test(s)) throw invalid(f, "must be " + f.hint());
                    if (s.isEmpty()) secretClears.add(f.name()); else secretSets.put(f.name(), s);
                    changedFields.add(f.name());
                }
                default -> {
                    String s = string(f, v).trim();
                    if (f.readOnly()) {
                        if (!s.equals(defaultString(kind, f.name())) && !s.equals(current.getString(f.name(), ""))) {
                            throw ApiException.badRequest("read_only_field", f.name() + " cannot be changed here: " + f.hint(),
                                    Map.of("field", f.name()));
                        }
                        continue;
                    }
                    if (!f.valid().test(s)) throw invalid(f, "must be " + f.hint());
                    if (!s.equals(current.getString(f.name(), null))) changedFields.add(f.name());
                    next.add(f.name(), s);
                }
            }
        }
        JsonObject nextObj = next.build();
        store.write(c -> {
            store.settings().put(c, kind, "", nextObj.toString());
            for (Map.Entry<String, String> e : secretSets.entrySet()) {
                secrets.put(c, secretId(kind, e.getKey()), "settings", kind, "settings." + kind + "." + e.getKey(), e.getValue());
            }
            for (String f : secretClears) store.credentials().delete(c, secretId(kind, f));
            return null;
        });
        cache.put(kind, nextObj);
        if (!changedFields.isEmpty()) changed.fire(new SettingsChanged(kind, Set.copyOf(changedFields)));
        return changedFields;
    }

    private static String string(Field f, JsonValue v) {
        if (!(v instanceof JsonString js)) throw invalid(f, "must be a string");
        return js.getString();
    }

    private static ApiException invalid(Field f, String why) {
        return ApiException.badRequest("invalid_field", f.name() + " " + why, Map.of("field", f.name(), "expected", f.hint()));
    }

    // ---- typed accessors used live by the rest of the app ----

    public Optional<String> frontendOrigin() {
        String s = cache.getOrDefault("global", JsonValue.EMPTY_JSON_OBJECT).getString("frontend_origin", "");
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /** One stored (non-secret) field straight from the cache, without building the whole view. */
    public String stored(String kind, String field) {
        return cache.getOrDefault(kind, JsonValue.EMPTY_JSON_OBJECT).getString(field, "");
    }

    public AuthMode authMode() {
        String s = cache.getOrDefault("global", JsonValue.EMPTY_JSON_OBJECT).getString("auth_mode", "");
        return AuthMode.parse(s).orElse(config.authMode());
    }

    public String defaultNamespace() {
        return cache.getOrDefault("global", JsonValue.EMPTY_JSON_OBJECT).getString("default_namespace", "default");
    }

    public String value(String kind, String field) {
        return view(kind).getString(field, "");
    }

    public Optional<String> secret(String kind, String field) {
        return secrets.get(secretId(kind, field));
    }
}
