package io.guildnet.cli;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.stream.JsonGenerator;
import java.io.PrintStream;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Prints results as a table, JSON or YAML; redacts secret-looking fields whatever the format;
 * colours status words only when asked to (a TTY, or {@code --color always}).
 */
public final class Output {

    /** Field names whose values are never printed. */
    static final Pattern SECRET = Pattern.compile("(?i).*(token|password|passwd|secret|kubeconfig|private_key|master_key|rdb_pass|"
            + "client_auth|preauth|credential).*");
    static final String REDACTED = "***";

    private final PrintStream out;
    private final String format;
    private final boolean color;

    public Output(PrintStream out, String format, boolean color) {
        String f = format == null ? "table" : format.toLowerCase(Locale.ROOT);
        if (!Set.of("table", "json", "yaml").contains(f)) throw new IllegalArgumentException("--format must be table, json or yaml: " + format);
        this.out = out;
        this.format = f;
        this.color = color;
    }

    public String format() { return format; }

    public boolean isTable() { return "table".equals(format); }

    public PrintStream stream() { return out; }

    /** Prints a value; for tables, {@code columns} picks and orders the columns of a list (null: all scalar fields). */
    public void print(JsonValue v, List<String> columns) {
        JsonValue safe = redact(v);
        switch (format) {
            case "json" -> out.println(pretty(safe));
            case "yaml" -> out.print(yaml(safe));
            default -> out.print(table(safe, columns));
        }
        out.flush();
    }

    public void print(JsonValue v) {
        print(v, null);
    }

    /** A message for humans (table format only; json/yaml output stays machine-readable). */
    public void note(String s) {
        if (isTable()) out.println(s);
    }

    // ---- redaction

    public static JsonValue redact(JsonValue v) {
        if (v == null) return JsonValue.NULL;
        switch (v.getValueType()) {
            case OBJECT -> {
                var b = Json.createObjectBuilder();
                v.asJsonObject().forEach((k, x) -> {
                    boolean flag = k.endsWith("_set") || x.getValueType() == JsonValue.ValueType.TRUE
                            || x.getValueType() == JsonValue.ValueType.FALSE || x.getValueType() == JsonValue.ValueType.NULL;
                    if (SECRET.matcher(k).matches() && !flag) b.add(k, REDACTED);
                    else b.add(k, redact(x));
                });
                return b.build();
            }
            case ARRAY -> {
                var a = Json.createArrayBuilder();
                v.asJsonArray().forEach(x -> a.add(redact(x)));
                return a.build();
            }
            default -> {
                return v;
            }
        }
    }

    // ---- formats

    static String pretty(JsonValue v) {
        StringWriter w = new StringWriter();
        try (JsonWriter jw = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(w)) {
            jw.write(v);
        }
        return w.toString().trim();
    }

    static String yaml(JsonValue v) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setIndent(2);
        return new Yaml(o).dump(plain(v));
    }

    /** JSON → plain Java values (for YAML). */
    static Object plain(JsonValue v) {
        return switch (v.getValueType()) {
            case OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                v.asJsonObject().forEach((k, x) -> m.put(k, plain(x)));
                yield m;
            }
            case ARRAY -> {
                List<Object> l = new ArrayList<>();
                v.asJsonArray().forEach(x -> l.add(plain(x)));
                yield l;
            }
            case STRING -> ((JsonString) v).getString();
            case NUMBER -> {
                JsonNumber n = (JsonNumber) v;
                yield n.isIntegral() ? (Object) n.longValue() : (Object) n.doubleValue();
            }
            case TRUE -> true;
            case FALSE -> false;
            case NULL -> null;
        };
    }

    String table(JsonValue v, List<String> columns) {
        if (v.getValueType() == JsonValue.ValueType.ARRAY) {
            JsonArray a = v.asJsonArray();
            if (a.isEmpty()) return "(none)\n";
            if (a.stream().allMatch(x -> x.getValueType() == JsonValue.ValueType.OBJECT)) {
                List<String> cols = columns != null ? columns : scalarKeys(a);
                List<List<String>> rows = new ArrayList<>();
                for (JsonValue x : a) {
                    JsonObject o = x.asJsonObject();
                    List<String> r = new ArrayList<>();
                    for (String c : cols) r.add(cell(o.get(c)));
                    rows.add(r);
                }
                return grid(cols, rows);
            }
            StringBuilder sb = new StringBuilder();
            a.forEach(x -> sb.append(cell(x)).append('\n'));
            return sb.toString();
        }
        if (v.getValueType() == JsonValue.ValueType.OBJECT) {
            List<List<String>> rows = new ArrayList<>();
            v.asJsonObject().forEach((k, x) -> {
                if (columns == null || columns.contains(k)) rows.add(List.of(k, cell(x)));
            });
            return grid(null, rows);
        }
        return cell(v) + "\n";
    }

    private static List<String> scalarKeys(JsonArray a) {
        Set<String> keys = new LinkedHashSet<>();
        for (JsonValue x : a) {
            x.asJsonObject().forEach((k, val) -> {
                if (val.getValueType() != JsonValue.ValueType.OBJECT && val.getValueType() != JsonValue.ValueType.ARRAY) keys.add(k);
            });
        }
        return new ArrayList<>(keys);
    }

    String cell(JsonValue x) {
        if (x == null || x.getValueType() == JsonValue.ValueType.NULL) return "";
        String s = x instanceof JsonString js ? js.getString() : x.toString();
        s = s.replace('\n', ' ');
        if (s.length() > 80) s = s.substring(0, 77) + "...";
        return s;
    }

    private String grid(List<String> header, List<List<String>> rows) {
        int n = header != null ? header.size() : rows.isEmpty() ? 0 : rows.get(0).size();
        int[] w = new int[n];
        if (header != null) for (int i = 0; i < n; i++) w[i] = header.get(i).length();
        for (List<String> r : rows) for (int i = 0; i < n; i++) w[i] = Math.max(w[i], r.get(i).length());
        StringBuilder sb = new StringBuilder();
        if (header != null) {
            List<String> h = new ArrayList<>();
            for (String c : header) h.add(c.toUpperCase(Locale.ROOT));
            line(sb, h, w, false);
        }
        for (List<String> r : rows) line(sb, r, w, true);
        return sb.toString();
    }

    private void line(StringBuilder sb, List<String> cells, int[] w, boolean paint) {
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            String padded = i == cells.size() - 1 ? c : c + " ".repeat(w[i] - c.length() + 2);
            sb.append(paint ? paint(c, padded) : padded);
        }
        sb.append('\n');
    }

    /** Colours a status word (ok/pass/running green, warn/pending yellow, fail/error red) when colours are on. */
    String paint(String word, String text) {
        if (!color) return text;
        String code = switch (word.toLowerCase(Locale.ROOT)) {
            case "ok", "pass", "running", "ready", "up", "succeeded", "completed" -> "32";
            case "warn", "warning", "pending", "imported", "started", "starting", "skip" -> "33";
            case "fail", "failed", "error", "down", "rolled_back", "unavailable" -> "31";
            default -> null;
        };
        return code == null ? text : "\u001b[" + code + "m" + text + "\u001b[0m";
    }

    public String status(String word) {
        return paint(word, word);
    }
}
