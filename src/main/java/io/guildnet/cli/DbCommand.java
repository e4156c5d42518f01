package io.guildnet.cli;

import io.guildnet.sdk.Databases;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mgn db …}: a cluster's RethinkDB; CLUSTER may be left out when a default cluster is configured. */
@Command(name = "db", description = "Databases of a cluster's RethinkDB.", mixinStandardHelpOptions = true,
        subcommands = {DbCommand.ListCmd.class, DbCommand.CreateCmd.class, DbCommand.TablesCmd.class, DbCommand.CreateTableCmd.class,
                DbCommand.RowsCmd.class, DbCommand.ImportCmd.class, DbCommand.ExportCmd.class})
final class DbCommand {

    @Command(name = "list", description = "List databases.")
    static final class ListCmd extends Base {
        @Parameters(paramLabel = "CLUSTER", arity = "0..1") String cluster;

        @Override
        public Integer call() {
            out().print(Json.createArrayBuilder(gn().db(root().cluster(cluster)).list()).build(), List.of("id", "name", "description", "created_at"));
            return 0;
        }
    }

    @Command(name = "create", description = "Create a database (ID: a-z0-9_-, 1-64).")
    static final class CreateCmd extends Base {
        @Parameters(paramLabel = "[CLUSTER] ID", arity = "1..2") List<String> args;
        @Option(names = "--name") String name;
        @Option(names = "--description") String description;

        @Override
        public Integer call() {
            String[] a = split(args, 1, "db create [CLUSTER] ID");
            out().print(gn().db(a[0]).create(a[1], name, description));
            return 0;
        }
    }

    @Command(name = "tables", description = "List the tables of a database.")
    static final class TablesCmd extends Base {
        @Parameters(paramLabel = "[CLUSTER] DB", arity = "1..2") List<String> args;

        @Override
        public Integer call() {
            String[] a = split(args, 1, "db tables [CLUSTER] DB");
            out().print(Json.createArrayBuilder(gn().db(a[0]).tables(a[1])).build(), List.of("name", "primary_key", "created_at"));
            return 0;
        }
    }

    @Command(name = "create-table", description = "Create a table; --schema name:type[:required],… (types: string, number, boolean, timestamp, json…).")
    static final class CreateTableCmd extends Base {
        @Parameters(paramLabel = "[CLUSTER] DB TABLE", arity = "2..3") List<String> args;
        @Option(names = "--schema", split = ",", paramLabel = "COL:TYPE[:required]") List<String> schema;
        @Option(names = "--primary-key") String primaryKey;

        @Override
        public Integer call() {
            String[] a = split(args, 2, "db create-table [CLUSTER] DB TABLE");
            JsonArrayBuilder cols = null;
            if (schema != null) {
                cols = Json.createArrayBuilder();
                for (String c : schema) {
                    String[] p = c.split(":");
                    if (p.length < 2) throw new IllegalArgumentException("--schema needs name:type: " + c);
                    var col = Json.createObjectBuilder().add("name", p[0]).add("type", p[1]);
                    if (p.length > 2 && "required".equals(p[2])) col.add("required", true);
                    cols.add(col);
                }
            }
            out().print(gn().db(a[0]).createTable(a[1], a[2], cols == null ? null : cols.build(), primaryKey));
            return 0;
        }
    }

    @Command(name = "rows", description = "Page through a table's rows, or insert with --insert JSON (object or array; @file reads a file).")
    static final class RowsCmd extends Base {
        @Parameters(paramLabel = "[CLUSTER] DB TABLE", arity = "2..3") List<String> args;
        @Option(names = "--limit", defaultValue = "50") int limit;
        @Option(names = "--cursor") String cursor;
        @Option(names = "--insert", paramLabel = "JSON|@FILE") String insert;

        @Override
        public Integer call() throws Exception {
            String[] a = split(args, 2, "db rows [CLUSTER] DB TABLE");
            Databases db = gn().db(a[0]);
            if (insert != null) {
                String body = insert.startsWith("@") ? Files.readString(Path.of(insert.substring(1))) : insert;
                JsonValue v;
                try (JsonReader r = Json.createReader(new StringReader(body))) {
                    v = r.readValue();
                } catch (jakarta.json.JsonException e) {
                    throw new IllegalArgumentException("--insert is not valid JSON: " + e.getMessage());
                }
                out().print(db.insert(a[1], a[2], v));
                return 0;
            }
            JsonObject page = db.rows(a[1], a[2], limit, cursor);
            if (out().isTable()) {
                out().print(page.getJsonArray("items"));
                if (page.containsKey("next_cursor")) out().stream().println("next cursor: " + page.getString("next_cursor"));
            } else {
                out().print(page);
            }
            return 0;
        }
    }

    @Command(name = "import", description = "Import rows from a CSV, JSON or NDJSON file (--dry-run previews the mapping).")
    static final class ImportCmd extends Base {
        @Parameters(paramLabel = "[CLUSTER] DB TABLE", arity = "2..3") List<String> args;
        @Option(names = "--file", required = true) Path file;
        @Option(names = "--input-format", description = "csv, json or ndjson (default: from the file name)") String inputFormat;
        @Option(names = "--dry-run") boolean dryRun;

        @Override
        public Integer call() throws Exception {
            String[] a = split(args, 2, "db import [CLUSTER] DB TABLE --file F");
            String f = inputFormat;
            if (f == null) {
                String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
                f = n.endsWith(".csv") ? "csv" : n.endsWith(".ndjson") || n.endsWith(".jsonl") ? "ndjson" : "json";
            }
            JsonObject r = gn().db(a[0]).importRows(a[1], a[2], f, Files.readAllBytes(file), dryRun);
            out().print(r, dryRun ? List.of("total", "errors", "column_map") : List.of("inserted", "failed", "total", "errors"));
            return r.containsKey("failed") && r.getJsonNumber("failed").longValue() > 0 ? 1 : 0;
        }
    }

    @Command(name = "export", description = "Export a table (json, ndjson or csv) to stdout or --output.")
    static final class ExportCmd extends Base {
        @Parameters(paramLabel = "[CLUSTER] DB TABLE", arity = "2..3") List<String> args;
        @Option(names = "--as", defaultValue = "json", description = "json, ndjson or csv (default json)") String as;
        @Option(names = "--output", description = "File to write (default stdout)") Path output;
        @Option(names = "--limit") Integer limit;

        @Override
        public Integer call() throws Exception {
            String[] a = split(args, 2, "db export [CLUSTER] DB TABLE");
            Databases db = gn().db(a[0]);
            if (output == null) {
                db.export(a[1], a[2], as, limit, out().stream());
                out().stream().flush();
                return 0;
            }
            long n;
            try (OutputStream o = Files.newOutputStream(output)) {
                n = db.export(a[1], a[2], as, limit, o);
            }
            root().err.println("wrote " + n + " bytes to " + output);
            return 0;
        }
    }
}
