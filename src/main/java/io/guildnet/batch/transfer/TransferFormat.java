package io.guildnet.batch.transfer;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * File formats of exports and imports. NDJSON: one row per line. JSON: one array, one row per
 * line between {@code [} and {@code ]}. CSV (RFC 4180): a header line with the columns, then
 * one row per line; strings as text, other values as their JSON text, null as an empty cell
 * (an import reads every cell back as a string, empty as null).
 */
public enum TransferFormat {
    NDJSON("ndjson"), JSON("json"), CSV("csv");

    /** One JSON-P provider: {@code Json.createXxx} looks the provider up (a ServiceLoader scan) on every call, once per row here. */
    static final jakarta.json.spi.JsonProvider P = jakarta.json.spi.JsonProvider.provider();

    private final String ext;

    TransferFormat(String ext) { this.ext = ext; }

    public String extension() { return ext; }

    public static TransferFormat parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }

    /** Text written before the first row (CSV needs the columns). */
    public String header(List<String> columns) {
        return switch (this) {
            case NDJSON -> "";
            case JSON -> "[\n";
            case CSV -> String.join(",", columns.stream().map(TransferFormat::csvCell).toList()) + "\n";
        };
    }

    /** One row as written; {@code first} tells JSON whether a separator is needed. */
    public String row(JsonObject r, List<String> columns, boolean first) {
        return switch (this) {
            case NDJSON -> r.toString() + "\n";
            case JSON -> (first ? "" : ",\n") + r.toString();
            case CSV -> {
                List<String> cells = new ArrayList<>();
                for (String c : columns) {
                    JsonValue v = r.get(c);
                    cells.add(v == null || v.getValueType() == JsonValue.ValueType.NULL ? ""
                            : csvCell(v instanceof JsonString s ? s.getString() : v.toString()));
                }
                yield String.join(",", cells) + "\n";
            }
        };
    }

    /** Text written after the last row. */
    public String footer(boolean empty) {
        return this == JSON ? (empty ? "]\n" : "\n]\n") : "";
    }

    static String csvCell(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) return "\"" + s.replace("\"", "\"\"") + "\"";
        return s;
    }

    /** Splits one CSV record (already joined across quoted line breaks) into cells. */
    static List<String> csvCells(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }

    static JsonObject parseJson(String s) {
        try (var r = P.createReader(new StringReader(s))) {
            return r.readObject();
        }
    }
}
