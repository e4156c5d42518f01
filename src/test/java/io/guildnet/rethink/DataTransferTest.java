package io.guildnet.rethink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.api.ApiException;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DataTransferTest {

    final InMemoryBackend backend = new InMemoryBackend();
    final DatabaseService svc = new DatabaseService("c1", () -> backend, Clock.systemUTC(), DatabaseService.OpsSink.NONE);
    final DataTransfer io = new DataTransfer(svc);
    final Caller admin = Caller.admin("local");

    @BeforeEach
    void table() {
        svc.createDatabase(admin, DatabaseServiceTest.obj("{\"id\":\"d\"}"));
        svc.createTable(admin, "d", DatabaseServiceTest.obj("{\"name\":\"t\",\"primary_key\":\"code\",\"schema\":["
                + "{\"name\":\"code\",\"type\":\"string\",\"required\":true},{\"name\":\"qty\",\"type\":\"number\",\"required\":true},"
                + "{\"name\":\"ok\",\"type\":\"boolean\"},{\"name\":\"at\",\"type\":\"timestamp\"},{\"name\":\"pin\",\"type\":\"string\",\"mask\":true}]}"));
    }

    String export(String format, Caller c) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        io.export(c, "d", "t", format, Long.MAX_VALUE).write(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void csvIsCoercedByTheSchemaAndBadRowsAreReportedNotFatal() throws Exception {
        String csv = "code,qty,ok,at\r\na,1,true,2026-01-02T03:04:05Z\r\nb,\"2.5\",no,\nc,many,yes,\n\"d,e\",4,1,\n";
        JsonObject r = io.importRows(admin, "d", "t", "text/csv", null, csv, false);
        assertEquals(3, r.getInt("inserted"));
        assertEquals(1, r.getInt("failed"));
        assertEquals(2, r.getJsonArray("errors").getJsonObject(0).getInt("row"));
        assertEquals("type:qty", r.getJsonArray("errors").getJsonObject(0).getJsonArray("errors").getString(0));
        JsonObject a = svc.getRow(admin, "d", "t", "a");
        assertEquals(1, a.getInt("qty"));
        assertEquals(true, a.getBoolean("ok"));
        assertEquals(2.5, svc.getRow(admin, "d", "t", "b").getJsonNumber("qty").doubleValue());
        assertEquals(4, svc.getRow(admin, "d", "t", "d,e").getInt("qty"));
    }

    @Test
    void dryRunPreviewsWithMappingAndWritesNothing() {
        String body = "{\"rows\":[{\"c\":\"x\",\"q\":\"3\"},{\"c\":\"y\"}],\"dry_run\":true,\"mapping\":{\"c\":\"code\",\"q\":\"qty\"}}";
        JsonObject r = io.importRows(admin, "d", "t", "application/json", null, body, false);
        assertEquals(2, r.getInt("total"));
        assertEquals(1, r.getInt("errors"));
        assertEquals(3, r.getJsonArray("rows").getJsonObject(0).getJsonObject("mapped").getInt("qty"));
        assertEquals("missing:qty", r.getJsonArray("rows").getJsonObject(1).getJsonArray("errors").getString(0));
        assertEquals("code", r.getJsonObject("column_map").getString("c"));
        assertEquals(0, svc.rows(admin, "d", "t", 10, null).getJsonArray("items").size());
    }

    @Test
    void ndjsonAndArraysImportInBatchesAndDuplicatesArePerRowErrors() {
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < 1200; i++) nd.append("{\"code\":\"k").append(i).append("\",\"qty\":").append(i).append("}\n");
        nd.append("not json\n");
        JsonObject r = io.importRows(admin, "d", "t", "application/x-ndjson", null, nd.toString(), false);
        assertEquals(1200, r.getInt("inserted"));
        assertEquals(1, r.getInt("failed"));
        JsonObject dup = io.importRows(admin, "d", "t", "application/json", null, "[{\"code\":\"k1\",\"qty\":99},{\"code\":\"new\",\"qty\":1}]", false);
        assertEquals(1, dup.getInt("inserted"));
        assertEquals(1, dup.getInt("failed"));
        assertEquals("duplicate:code", dup.getJsonArray("errors").getJsonObject(0).getJsonArray("errors").getString(0));
        assertEquals("bad_rows", assertThrows(ApiException.class, () -> io.importRows(admin, "d", "t", "application/json", null, "{\"x\":1}", false)).code());
        assertEquals("empty_body", assertThrows(ApiException.class, () -> io.importRows(admin, "d", "t", "text/csv", null, "", false)).code());
    }

    @Test
    void exportsAreCompleteAndCsvHasADeterministicHeader() throws Exception {
        io.importRows(admin, "d", "t", "application/json", null,
                "[{\"code\":\"b\",\"qty\":2,\"zeta\":1,\"alpha\":\"x,y\",\"pin\":\"1234\"},{\"code\":\"a\",\"qty\":1,\"nested\":{\"k\":1}}]", false);
        String csv = export("csv", admin);
        String[] lines = csv.split("\n");
        assertEquals("code,qty,ok,at,pin,alpha,nested,zeta", lines[0]);
        assertEquals("a,1,,,,,\"{\"\"k\"\":1}\",", lines[1]);
        assertEquals("b,2,,,1234,\"x,y\",,1", lines[2]);
        assertEquals(2, export("ndjson", admin).split("\n").length);
        assertTrue(export("json", admin).startsWith("[{\"code\":\"a\""));
        svc.grant(admin, "d", DatabaseServiceTest.obj("{\"principal\":\"user:v\",\"scope\":\"db:d\",\"role\":\"viewer\"}"));
        assertTrue(export("csv", Caller.user("user:v")).contains("b,2,,,***,"));
        assertEquals(403, assertThrows(ApiException.class, () -> export("csv", Caller.user("user:nobody"))).status());
    }
}
