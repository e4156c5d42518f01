package io.guildnet.rethink;

import io.guildnet.api.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** RFC 4180 CSV: quoted fields with doubled quotes, embedded separators and line breaks, CRLF or LF. */
final class Csv {

    private Csv() {}

    static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false, any = false;
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        f.append('"');
                        i++;
                    } else quoted = false;
                } else {
                    if (ch == '\n') line++;
                    f.append(ch);
                }
                continue;
            }
            switch (ch) {
                case '"' -> {
                    if (f.length() > 0) throw ApiException.badRequest("csv_parse", "unexpected quote inside a field on line " + line, Map.of("line", line));
                    quoted = true;
                    any = true;
                }
                case ',' -> {
                    row.add(f.toString());
                    f.setLength(0);
                    any = true;
                }
                case '\r' -> { }
                case '\n' -> {
                    if (any || f.length() > 0) {
                        row.add(f.toString());
                        rows.add(row);
                    }
                    row = new ArrayList<>();
                    f.setLength(0);
                    any = false;
                    line++;
                }
                default -> {
                    f.append(ch);
                    any = true;
                }
            }
        }
        if (quoted) throw ApiException.badRequest("csv_parse", "unterminated quoted field at line " + line, Map.of("line", line));
        if (any || f.length() > 0) {
            row.add(f.toString());
            rows.add(row);
        }
        if (!rows.isEmpty() && !rows.get(0).isEmpty() && rows.get(0).get(0).startsWith("\uFEFF")) {
            rows.get(0).set(0, rows.get(0).get(0).substring(1));
        }
        return rows;
    }

    static String field(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
