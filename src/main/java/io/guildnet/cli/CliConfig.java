package io.guildnet.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The CLI's settings, resolved as built-in defaults &lt; the config file
 * ({@code ~/.metaguildnet/config.yaml}) &lt; {@code MGN_*} environment variables &lt; command-line
 * flags; {@link #source(String)} says where each value came from.
 */
public final class CliConfig {

    /** Setting key → environment variable. */
    static final Map<String, String> ENV = new LinkedHashMap<>();
    /** Setting key → config-file paths (first found wins; the second form is the original Python CLI's). */
    static final Map<String, String[]> FILE = new LinkedHashMap<>();
    static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        def("api_url", "MGN_API_URL", "https://127.0.0.1:8090", "api.base_url", "api.url");
        def("token", "MGN_API_TOKEN", null, "api.token");
        def("timeout", "MGN_TIMEOUT", "30s", "api.timeout");
        def("retries", "MGN_RETRIES", "3", "api.retries");
        def("ca_file", "MGN_CA_FILE", null, "api.ca_file");
        def("guildnet_home", "MGN_GUILDNET_HOME", null, "api.guildnet_home");
        def("cluster", "MGN_DEFAULT_CLUSTER", null, "clusters.default", "defaults.cluster");
        def("format", "MGN_FORMAT", "table", "preferences.format", "defaults.format");
        def("color", "MGN_COLOR", "auto", "preferences.color");
    }

    private static void def(String key, String env, String dflt, String... filePaths) {
        ENV.put(key, env);
        FILE.put(key, filePaths);
        if (dflt != null) DEFAULTS.put(key, dflt);
    }

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Path file;

    private CliConfig(Path file) {
        this.file = file;
    }

    /**
     * Resolves the settings. {@code configFile} null: {@code MGN_CONFIG} or {@code ~/.metaguildnet/config.yaml};
     * {@code flags} holds the values given on the command line (null values are absent).
     */
    public static CliConfig resolve(Map<String, String> env, Path userHome, Path configFile, Map<String, String> flags) {
        Path f = configFile != null ? configFile
                : env.get("MGN_CONFIG") != null ? Path.of(env.get("MGN_CONFIG"))
                : userHome.resolve(".metaguildnet/config.yaml");
        CliConfig c = new CliConfig(f);
        DEFAULTS.forEach((k, v) -> c.set(k, v, "default"));
        Map<String, Object> yaml = readYaml(f, configFile != null);
        for (Map.Entry<String, String[]> e : FILE.entrySet()) {
            for (String p : e.getValue()) {
                Object v = lookup(yaml, p);
                if (v != null) {
                    c.set(e.getKey(), String.valueOf(v), "file " + f);
                    break;
                }
            }
        }
        ENV.forEach((k, var) -> {
            String v = env.get(var);
            if (v != null && !v.isEmpty()) c.set(k, v, "env " + var);
        });
        flags.forEach((k, v) -> {
            if (v != null) c.set(k, v, "flag");
        });
        if (c.get("guildnet_home") == null) {
            String gh = env.get("GUILDNET_HOME");
            c.set("guildnet_home", gh != null && !gh.isEmpty() ? gh : userHome.resolve(".guildnet").toString(),
                    gh != null && !gh.isEmpty() ? "env GUILDNET_HOME" : "default");
        }
        return c;
    }

    private void set(String k, String v, String source) {
        values.put(k, v);
        sources.put(k, source);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readYaml(Path f, boolean required) {
        if (!Files.isRegularFile(f)) {
            if (required) throw new IllegalArgumentException("config file not found: " + f);
            return Map.of();
        }
        try (Reader r = Files.newBufferedReader(f)) {
            Object o = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            if (o == null) return Map.of();
            if (!(o instanceof Map)) throw new IllegalArgumentException(f + ": expected a YAML mapping at the top");
            return (Map<String, Object>) o;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + f + ": " + e.getMessage(), e);
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new IllegalArgumentException(f + ": not valid YAML: " + e.getMessage(), e);
        }
    }

    private static Object lookup(Map<String, Object> m, String dotted) {
        Object cur = m;
        for (String part : dotted.split("\\.")) {
            if (!(cur instanceof Map<?, ?> mm)) return null;
            cur = mm.get(part);
        }
        return cur instanceof Map || cur instanceof java.util.List ? null : cur;
    }

    public String get(String key) { return values.get(key); }

    public String source(String key) { return sources.getOrDefault(key, "unset"); }

    public Path file() { return file; }

    public Map<String, String> keys() { return new LinkedHashMap<>(values); }

    /** {@code 30s}, {@code 5m}, {@code 1h}, {@code 500ms} or plain seconds. */
    public static Duration duration(String s) {
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            if (v.endsWith("s")) return Duration.ofMillis((long) (Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            if (v.endsWith("m")) return Duration.ofMillis((long) (Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
            if (v.endsWith("h")) return Duration.ofMillis((long) (Double.parseDouble(v.substring(0, v.length() - 1)) * 3_600_000));
            return Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration (e.g. 30s, 5m, 500ms): " + s);
        }
    }
}
