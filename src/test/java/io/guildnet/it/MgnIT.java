package io.guildnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.guildnet.cli.Main;
import io.guildnet.sdk.ConflictException;
import io.guildnet.sdk.GuildNetClient;
import io.guildnet.sdk.NotFoundException;
import io.guildnet.sdk.Subscription;
import io.guildnet.sdk.UnauthorizedException;
import io.guildnet.sdk.rest.ClustersApi;
import io.guildnet.sdk.rest.DatabasesApi;
import io.guildnet.sdk.rest.HostApi;
import io.guildnet.sdk.rest.JobsApi;
import io.guildnet.sdk.rest.WorkspacesApi;
import io.guildnet.store.ClusterRecord;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.yaml.snakeyaml.Yaml;

/**
 * The SDK and every {@code mgn} command against the real Host App (shared Liberty server, a
 * kubernetes-server-mock cluster, the in-memory RethinkDB): JSON output parsed, exit codes, error mapping.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MgnIT {

    static LibertyServer server;
    static MockCluster mock;
    static String cid;
    static Path home;

    record Run(int code, String out, String err) {
        JsonValue json() {
            try (var r = jakarta.json.Json.createReader(new java.io.StringReader(out))) { return r.readValue(); }
        }
        JsonObject obj() { return json().asJsonObject(); }
        JsonArray arr() { return json().asJsonArray(); }
        @Override public String toString() { return "exit " + code + "\nstdout: " + out + "\nstderr: " + err; }
    }

    static Map<String, String> env(String... extra) {
        Map<String, String> env = new HashMap<>();
        env.put("MGN_API_URL", "https://127.0.0.1:" + server.port());
        env.put("MGN_GUILDNET_HOME", server.home().toString());
        for (int i = 0; i + 1 < extra.length; i += 2) env.put(extra[i], extra[i + 1]);
        return env;
    }

    static Run mgn(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, home, false);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run mgn(String... args) {
        return mgn(env(), args);
    }

    static GuildNetClient sdk(String token) {
        return GuildNetClient.builder("https://127.0.0.1:" + server.port()).token(token).trustGuildNetHome(server.home())
                .trustSystemCertificates(false).backoff(Duration.ofMillis(50), Duration.ofMillis(200)).build();
    }

    @BeforeAll
    static void start() throws Exception {
        server = LibertyServer.shared();
        mock = new MockCluster();
        home = Files.createTempDirectory("mgn-home");
        Path kc = home.resolve("kubeconfig.yaml");
        Files.writeString(kc, mock.kubeconfig("mgn"));
        Run add = mgn("-o", "json", "cluster", "add", "--name", "mgn-it", "--kubeconfig", kc.toString());
        assertEquals(0, add.code, add.toString());
        cid = add.obj().getString("id");
        assertEquals("mgn-it", add.obj().getString("name"));
        assertFalse(add.out.contains("secret-token-of-mgn"), "the kubeconfig's token is never printed");
    }

    @AfterAll
    static void stop() {
        if (cid != null) mgn("cluster", "delete", cid);
        if (mock != null) mock.close();
    }

    @Test
    @Order(1)
    void versionAndConfigShowWhereSettingsComeFromWithoutTheToken() {
        Run v = mgn("-o", "json", "version");
        assertEquals(0, v.code, v.toString());
        assertFalse(v.obj().getString("server").isEmpty());
        Run c = mgn(env("MGN_API_TOKEN", "very-secret-token"), "-o", "json", "config");
        assertEquals(0, c.code, c.toString());
        assertFalse(c.out.contains("very-secret-token"), c.out);
        JsonObject token = c.arr().stream().map(JsonValue::asJsonObject).filter(o -> o.getString("key").equals("token")).findFirst().orElseThrow();
        assertEquals("env MGN_API_TOKEN", token.getString("source"));
        // TLS trust: a CA file instead of the home's certificate; nothing trusted = unreachable (exit 5), never insecure
        Path elsewhere = home.resolve("no-guildnet-home");
        Run ca = mgn(env("MGN_GUILDNET_HOME", elsewhere.toString(), "MGN_CA_FILE", server.home().resolve("state/certs/server.crt").toString()),
                "-o", "json", "cluster", "list");
        assertEquals(0, ca.code, ca.toString());
        Run untrusted = mgn(env("MGN_GUILDNET_HOME", elsewhere.toString(), "MGN_RETRIES", "0"), "cluster", "list");
        assertEquals(Main.UNREACHABLE, untrusted.code, untrusted.toString());
        assertTrue(untrusted.err.contains("SSLHandshakeException"), untrusted.err);

        Run comp = mgn("completion");
        assertEquals(0, comp.code);
        assertTrue(comp.out.contains("complete -F") && comp.out.contains("workspace"), "a bash completion script");
    }

    @Test
    @Order(2)
    void clusterCommandsListGetStatusSettingsAndErrors() throws Exception {
        Run list = mgn("-o", "json", "cluster", "list");
        assertEquals(0, list.code, list.toString());
        assertTrue(list.arr().stream().anyMatch(v -> cid.equals(v.asJsonObject().getString("id"))));

        Run table = mgn("cluster", "list");
        assertTrue(table.out.startsWith("ID") && table.out.contains(cid), table.out);
        assertFalse(table.out.contains("\u001b["), "no colours when not a terminal");

        // published services: none; this cluster has no tailnet connector, so publishing is refused with the reason
        Run pubs = mgn("-o", "json", "cluster", "publish", cid);
        assertEquals(0, pubs.code, pubs.toString());
        assertEquals(0, pubs.arr().size());
        Run pub = mgn("cluster", "publish", cid, "--service", "web");
        assertEquals(Main.ERROR, pub.code, pub.toString());
        assertTrue(pub.err.contains("tailnet_unavailable"), pub.err);
        assertEquals(Main.NOT_FOUND, mgn("cluster", "publish", cid, "--revoke", "web").code);

        Run get = mgn("-o", "yaml", "cluster", "get", cid);
        assertEquals(0, get.code, get.toString());
        Map<?, ?> yaml = new Yaml().load(get.out);
        assertEquals(cid, yaml.get("id"));

        Run status = mgn("-o", "json", "cluster", "status", cid);
        assertEquals(0, status.code, status.toString());
        assertEquals("ok", status.obj().getJsonObject("health").getString("status"));
        assertTrue(status.obj().getJsonObject("parts").getJsonObject("k8s").getBoolean("ok"));

        // a cluster whose API server does not answer: status says so and exits 1 (scripts can test it)
        String down = Json.obj(server.json("POST", "/api/deploy/clusters", "{\"name\":\"mgn-down\"}").body()).getString("id");
        try {
            String kc = jakarta.json.Json.createObjectBuilder().add("kubeconfig", MockCluster.unreachableKubeconfig("down")).build().toString();
            server.json("POST", "/api/deploy/clusters/" + down + "?action=attach-kubeconfig", kc);
            Run unhealthy = mgn("-o", "json", "cluster", "status", down);
            assertEquals(1, unhealthy.code, unhealthy.toString());
            assertNotEquals("ok", unhealthy.obj().getJsonObject("health").getString("status"), unhealthy.toString());
        } finally {
            assertEquals(0, mgn("cluster", "delete", down).code);
        }

        Run set = mgn("-o", "json", "cluster", "settings", cid, "--set", "namespace=team-a");
        assertEquals(0, set.code, set.toString());
        assertTrue(set.obj().getJsonArray("applied").toString().contains("namespace"));
        Run settings = mgn("-o", "json", "cluster", "settings", cid);
        assertEquals("team-a", settings.obj().getString("namespace"));
        assertEquals(0, mgn("cluster", "settings", cid, "--set", "namespace=default").code);

        Run missing = mgn("-o", "json", "cluster", "get", "no-such-cluster");
        assertEquals(Main.NOT_FOUND, missing.code, missing.toString());
        JsonObject err = Json.obj(missing.err.trim());
        assertEquals("unknown_cluster", err.getString("code"));
        assertEquals(404, err.getInt("status"));
        assertFalse(err.getString("request_id").isEmpty());

        Run badToken = mgn(env("MGN_API_TOKEN", "wrong-token"), "cluster", "list");
        assertEquals(Main.DENIED, badToken.code, badToken.toString());
        assertTrue(badToken.err.contains("401 unauthorized") && badToken.err.contains("request_id"), badToken.err);
        assertFalse(badToken.err.contains("wrong-token"));

        Run usage = mgn("workspace", "get", "a", "b", "c");
        assertEquals(Main.USAGE, usage.code, usage.toString());
    }

    @Test
    @Order(3)
    void sdkMapsErrorsToTypedExceptionsWithCodeAndRequestId() {
        try (GuildNetClient gn = sdk(null)) {
            NotFoundException nf = assertThrows(NotFoundException.class, () -> gn.clusters().get("no-such-cluster"));
            assertEquals(404, nf.status());
            assertEquals("unknown_cluster", nf.code());
            assertNotNull(nf.requestId());
            ClusterRecord r = gn.clusters().get(cid);
            assertEquals("mgn-it", r.name());
            assertTrue(gn.clusters().list().contains(r), "the server's own record type, equal field by field");
            assertEquals("UP", gn.health().probe("live").getString("status"));
            assertEquals("local", gn.health().session().getString("principal"));
        }
        try (GuildNetClient gn = sdk("wrong-token")) {
            UnauthorizedException u = assertThrows(UnauthorizedException.class, () -> gn.clusters().list());
            assertEquals("unauthorized", u.code());
            assertNotNull(u.requestId());
        }
        try (GuildNetClient gn = sdk(LibertyServer.ALICE_TOKEN)) {
            assertEquals("user:alice", gn.health().session().getString("principal"));
        }
    }

    @Test
    @Order(4)
    void workspaceCreateListGetWaitTestLogsDelete() throws Exception {
        WorkspaceApiIT.await(() -> mock.client.apiextensions().v1().customResourceDefinitions().withName("workspaces.guildnet.io").get(),
                "CRD installed");
        Run create = mgn("-o", "json", "workspace", "create", cid, "--name", "web", "--image", "nginx:1.27", "--port", "80:http",
                "--env", "MODE=demo", "--label", "team=blue");
        assertEquals(0, create.code, create.toString());
        assertEquals("web", create.obj().getString("id"));
        var dep = WorkspaceApiIT.await(() -> mock.client.apps().deployments().inNamespace("default").withName("web").get(), "deployment");
        var c = dep.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertTrue(c.getEnv().stream().anyMatch(e -> "MODE".equals(e.getName()) && "demo".equals(e.getValue())), "env reaches the pod");
        assertEquals("blue", dep.getSpec().getTemplate().getMetadata().getLabels().get("team"));

        Run dup = mgn("workspace", "create", cid, "--name", "web", "--image", "nginx:1.27");
        assertEquals(Main.ERROR, dup.code, dup.toString());
        assertTrue(dup.err.contains("already_exists"), dup.err);

        Run list = mgn("-o", "json", "workspace", "list", cid);
        assertEquals(0, list.code, list.toString());
        assertTrue(list.arr().stream().anyMatch(v -> "web".equals(v.asJsonObject().getString("id"))));
        Run get = mgn("-o", "json", "workspace", "get", cid, "web");
        assertEquals(0, get.code, get.toString());
        assertEquals("nginx:1.27", get.obj().getJsonObject("spec").getString("image"));

        Run notYet = mgn("workspace", "wait", cid, "web", "--timeout", "1s", "--interval", "200ms");
        assertEquals(1, notYet.code, notYet.toString());
        assertTrue(notYet.err.contains("timeout"), notYet.err);

        // the Deployment becomes ready: the operator turns the workspace Running
        mock.client.apps().deployments().inNamespace("default").withName("web")
                .editStatus(d -> { d.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).withAvailableReplicas(1).build()); return d; });
        Run wait = mgn("-o", "json", "workspace", "wait", cid, "web", "--timeout", "60s", "--interval", "300ms");
        assertEquals(0, wait.code, wait.toString());
        assertEquals("running", wait.obj().getString("status"));

        // the Host App proxies through the API server's service proxy (the double answers 200)
        Run test = mgn("-o", "json", "workspace", "test", cid, "web", "--http-check", "/");
        assertEquals(0, test.code, test.toString());
        assertEquals("pass", test.obj().getString("result"));
        assertEquals("service-proxy", test.obj().getString("via"));
        Run mismatch = mgn("-o", "json", "workspace", "test", cid, "web", "--http-check", "/", "--expected-status", "204");
        assertEquals(1, mismatch.code, mismatch.toString());
        assertEquals("fail", mismatch.obj().getString("result"));

        Run logs = mgn("-o", "json", "workspace", "logs", cid, "web");
        assertEquals(Main.NOT_FOUND, logs.code, "no pods, no logs: " + logs);
        assertTrue(logs.err.contains("no_pods"), logs.err);

        Run del = mgn("-o", "json", "workspace", "delete", cid, "web");
        assertEquals(0, del.code, del.toString());
        assertEquals("web", del.obj().getString("deleted"));
        assertEquals(Main.NOT_FOUND, mgn("workspace", "get", cid, "web").code);
    }

    @Test
    @Order(5)
    void applyLaunchesAFederationFileIdempotently() throws Exception {
        Path fed = home.resolve("federation.yaml");
        Files.writeString(fed, "federation:\n  name: production\n  clusters:\n    - id: " + cid + "\n      role: primary\n      weight: 100\n"
                + "workspaces:\n  - name: fed-web\n    image: nginx:1.27\n    env: {MODE: prod}\n    ports: [80]\n");
        Run dry = mgn("-o", "json", "apply", "-f", fed.toString(), "--dry-run");
        assertEquals(0, dry.code, dry.toString());
        assertEquals("planned", dry.arr().getJsonObject(0).getString("outcome"));
        assertEquals(Main.NOT_FOUND, mgn("workspace", "get", cid, "fed-web").code, "a dry run changes nothing");
        Run apply = mgn("-o", "json", "apply", "-f", fed.toString());
        assertEquals(0, apply.code, apply.toString());
        assertEquals("created", apply.arr().getJsonObject(0).getString("outcome"));
        var dep = WorkspaceApiIT.await(() -> mock.client.apps().deployments().inNamespace("default").withName("fed-web").get(), "deployment");
        assertEquals("production", dep.getSpec().getTemplate().getMetadata().getLabels().get("federation"));
        Run again = mgn("-o", "json", "apply", "-f", fed.toString());
        assertEquals("unchanged", again.arr().getJsonObject(0).getString("outcome"), again.toString());
        assertEquals(0, mgn("workspace", "delete", cid, "fed-web").code);
        Files.writeString(fed, "federation:\n  clusters: [" + cid + "]\nworkspaces:\n  - name: x\n    image: y\n    clusters: [elsewhere]\n");
        Run bad = mgn("apply", "-f", fed.toString());
        assertEquals(Main.USAGE, bad.code, bad.toString());
        assertTrue(bad.err.contains("not in the federation"), bad.err);
    }

    @Test
    @Order(6)
    void dbCommandsAndTheSdkChangefeed() throws Exception {
        Run create = mgn("-o", "json", "db", "create", cid, "mgn_db", "--description", "from mgn");
        assertEquals(0, create.code, create.toString());
        assertEquals("mgn_db", create.obj().getString("id"));
        assertEquals(Main.ERROR, mgn("db", "create", cid, "mgn_db").code, "409 already_exists");
        Run list = mgn("-o", "json", "db", "list", cid);
        assertTrue(list.arr().stream().anyMatch(v -> "mgn_db".equals(v.asJsonObject().getString("id"))), list.toString());

        Run table = mgn("-o", "json", "db", "create-table", cid, "mgn_db", "people", "--schema", "name:string:required,age:number");
        assertEquals(0, table.code, table.toString());
        Run tables = mgn("-o", "json", "db", "tables", cid, "mgn_db");
        assertEquals("people", tables.arr().getJsonObject(0).getString("name"));

        List<JsonObject> events = new CopyOnWriteArrayList<>();
        try (GuildNetClient gn = sdk(null); Subscription sub = gn.db(cid).subscribe("mgn_db", "people", events::add)) {
            WorkspaceApiIT.await(() -> events.stream().anyMatch(e -> "init".equals(e.getString("type", ""))), "init frame");

            Run insert = mgn("-o", "json", "db", "rows", cid, "mgn_db", "people", "--insert", "[{\"id\":\"ada\",\"name\":\"Ada\",\"age\":36}]");
            assertEquals(0, insert.code, insert.toString());
            assertEquals(1, insert.obj().getInt("inserted"));
            WorkspaceApiIT.await(() -> events.stream().anyMatch(e -> "insert".equals(e.getString("type", "")) && "ada".equals(e.getString("row_id", ""))),
                    "live insert event");

            ConflictException dupRow = assertThrows(ConflictException.class,
                    () -> gn.db(cid).insert("mgn_db", "people", Json.obj("{\"id\":\"ada\",\"name\":\"Ada\"}")));
            assertEquals("insert_failed", dupRow.code());
            sub.close();
            assertTrue(sub.await(5, TimeUnit.SECONDS), "closing ends the subscription");
        }

        Path csv = home.resolve("people.csv");
        Files.writeString(csv, "id,name,age\ngrace,Grace,45\nlinus,Linus,x\n");
        Run dry = mgn("-o", "json", "db", "import", cid, "mgn_db", "people", "--file", csv.toString(), "--dry-run");
        assertEquals(0, dry.code, dry.toString());
        assertEquals(2, dry.obj().getInt("total"));
        Run imp = mgn("-o", "json", "db", "import", cid, "mgn_db", "people", "--file", csv.toString());
        assertEquals(1, imp.code, "a bad row makes the import exit 1: " + imp);
        assertEquals(1, imp.obj().getInt("inserted"));
        assertEquals(1, imp.obj().getInt("failed"));

        Run rows = mgn("-o", "json", "db", "rows", cid, "mgn_db", "people", "--limit", "10");
        assertEquals(0, rows.code, rows.toString());
        assertEquals(2, rows.obj().getJsonArray("items").size());

        Run export = mgn("db", "export", cid, "mgn_db", "people", "--as", "csv");
        assertEquals(0, export.code, export.toString());
        assertTrue(export.out.startsWith("name,age") || export.out.contains("Grace"), export.out);
        assertTrue(export.out.contains("Ada") && export.out.contains("Grace"), export.out);
        Path file = home.resolve("people.ndjson");
        assertEquals(0, mgn("db", "export", cid, "mgn_db", "people", "--as", "ndjson", "--output", file.toString()).code);
        assertEquals(2, Files.readAllLines(file).stream().filter(l -> !l.isBlank()).count());

        // the same table through the rethink-export job, then its file fetched and deleted with mgn job file
        Run job = mgn("-o", "json", "job", "submit", "rethink-export", "--cluster", cid, "-p", "db=mgn_db", "-p", "table=people",
                "-p", "format=ndjson", "-f");
        assertEquals(0, job.code, job.toString());
        assertEquals("COMPLETED", job.obj().getString("status"), "with -f and -o json, stdout is one JSON document: " + job.out);
        assertTrue(job.err.contains("exported 2 rows"), "the followed log went to stderr: " + job.err);
        long exec = job.obj().getJsonNumber("executionId").longValue();
        Path fetched = home.resolve("job-export.ndjson");
        Run get = mgn("job", "file", String.valueOf(exec), "--output", fetched.toString());
        assertEquals(0, get.code, get.toString());
        assertEquals(Files.readAllLines(file), Files.readAllLines(fetched), "the job's file holds the same rows as the direct export");
        assertEquals(2, mgn("job", "file", String.valueOf(exec)).out.lines().filter(l -> !l.isBlank()).count(), "to stdout");
        Run del = mgn("-o", "json", "job", "file", String.valueOf(exec), "--delete");
        assertEquals(0, del.code, del.toString());
        assertTrue(del.obj().getBoolean("deleted"), del.out);
        Path gone = home.resolve("gone.ndjson");
        Run again = mgn("job", "file", String.valueOf(exec), "--output", gone.toString());
        assertEquals(Main.NOT_FOUND, again.code, again.toString());
        assertTrue(again.err.contains("no_file"), again.err);
        assertFalse(Files.exists(gone) || Files.exists(home.resolve("gone.ndjson.part")), "a refused download leaves no file");
    }

    /** The MicroProfile Rest Client interfaces (RESTEasy) against the real Host App: each family once, typed errors. */
    @Test
    @Order(6)
    void restClientInterfacesAgainstTheRealHostApp() throws Exception {
        GuildNetClient.Builder b = GuildNetClient.builder("https://127.0.0.1:" + server.port()).trustGuildNetHome(server.home())
                .trustSystemCertificates(false).backoff(Duration.ofMillis(50), Duration.ofMillis(200));
        try (ClustersApi clusters = b.restClient(ClustersApi.class); WorkspacesApi ws = b.restClient(WorkspacesApi.class);
             DatabasesApi db = b.restClient(DatabasesApi.class); JobsApi jobs = b.restClient(JobsApi.class);
             HostApi host = b.restClient(HostApi.class)) {
            ClusterRecord r = clusters.get(cid);
            assertEquals("mgn-it", r.name());
            assertTrue(clusters.list().contains(r), "the server's own record type");
            NotFoundException nf = assertThrows(NotFoundException.class, () -> clusters.get("no-such-cluster"));
            assertEquals("unknown_cluster", nf.code());
            assertNotNull(nf.requestId());
            assertEquals("ok", clusters.health(cid).getString("status"), "the mock API server answers");
            assertTrue(clusters.parts(cid).getJsonObject("k8s").getBoolean("ok"));
            JsonObject st = clusters.status(cid);
            assertEquals(cid, st.getString("clusterId"));
            assertTrue(st.getBoolean("kubeconfigPresent") && st.getBoolean("k8sReachable"), st.toString());
            assertFalse(clusters.settings(cid).toString().contains("secret-token-of-mgn"));

            assertTrue(ws.list(cid).stream().allMatch(v -> v.getValueType() == JsonValue.ValueType.OBJECT));
            assertThrows(NotFoundException.class, () -> ws.get(cid, "no-such-workspace"));

            assertEquals("rest_db", db.create(cid, Json.obj("{\"id\":\"rest_db\"}")).getString("id"));
            assertThrows(ConflictException.class, () -> db.create(cid, Json.obj("{\"id\":\"rest_db\"}")));
            db.createTable(cid, "rest_db", Json.obj("{\"name\":\"t\"}"));
            assertEquals("t", db.tables(cid, "rest_db").getJsonObject(0).getString("name"));
            db.insert(cid, "rest_db", "t", Json.arr("[{\"id\":\"a\",\"n\":1},{\"id\":\"b\",\"n\":2}]"));
            assertEquals(2, db.rows(cid, "rest_db", "t", 10, null).getJsonArray("items").size());
            assertEquals(1, db.row(cid, "rest_db", "t", "a").getInt("n"));
            JsonObject imported = db.importJson(cid, "rest_db", "t", null, Json.arr("[{\"id\":\"c\",\"n\":3}]"));
            assertEquals(1, imported.getInt("inserted"), imported.toString());
            assertEquals(3, db.export(cid, "rest_db", "t", "ndjson", null).lines().filter(l -> !l.isBlank()).count());
            db.delete(cid, "rest_db");
            assertThrows(NotFoundException.class, () -> db.get(cid, "rest_db"));

            assertTrue(jobs.available().getJsonArray("jobs").stream().anyMatch(j -> "guildnet-verify".equals(j.asJsonObject().getString("job"))));
            assertNotNull(jobs.executions(cid, null, 5));
            assertThrows(NotFoundException.class, () -> jobs.status(987654321L));
            assertEquals("unknown_execution", assertThrows(NotFoundException.class, () -> jobs.deleteFile(987654321L)).code());

            assertEquals("local", host.session().getString("principal"));
            assertTrue(host.health().getJsonArray("clusters").stream().anyMatch(c -> cid.equals(c.asJsonObject().getString("id"))));
        }
        try (HostApi wrong = GuildNetClient.builder("https://127.0.0.1:" + server.port()).token("wrong-token").trustGuildNetHome(server.home())
                .trustSystemCertificates(false).restClient(HostApi.class)) {
            UnauthorizedException u = assertThrows(UnauthorizedException.class, wrong::session);
            assertEquals("unauthorized", u.code());
            assertNotNull(u.requestId());
        }
    }

    @Test
    @Order(7)
    void jobVerifyInstallAndViz() {
        Run submit = mgn("-o", "json", "job", "submit", "guildnet-verify", "--cluster", cid, "-p", "probeWorkspace=false");
        assertEquals(0, submit.code, submit.toString());
        long id = submit.obj().getJsonNumber("executionId").longValue();
        Run logs = mgn("job", "logs", String.valueOf(id), "-f");
        assertEquals(0, logs.code, logs.toString());
        assertTrue(logs.out.contains("status COMPLETED"), logs.out);
        Run status = mgn("-o", "json", "job", "status", String.valueOf(id));
        assertEquals("COMPLETED", status.obj().getString("status"), status.out);
        Run report = mgn("-o", "json", "job", "report", String.valueOf(id));
        assertEquals(4, report.obj().getJsonArray("layers").size(), report.out);
        Run list = mgn("-o", "json", "job", "list", "--job", "guildnet-verify", "--cluster", cid);
        assertTrue(list.arr().stream().anyMatch(v -> v.asJsonObject().getJsonNumber("executionId").longValue() == id), list.out);
        Run plainLogs = mgn("-o", "json", "job", "logs", String.valueOf(id));
        assertTrue(plainLogs.out.lines().map(Json::obj).allMatch(o -> o.containsKey("msg")), plainLogs.out);
        assertEquals(Main.NOT_FOUND, mgn("job", "status", "987654321").code);

        Run verify = mgn("-o", "json", "verify", "kubernetes", "--cluster", cid, "-p", "probeWorkspace=false");
        JsonObject summary = verify.obj().getJsonObject("summary");
        int expected = switch (summary.getString("status")) { case "pass" -> 0; case "warn" -> 1; default -> 2; };
        assertEquals(expected, verify.code, verify.toString());
        assertEquals("cluster", verify.obj().getJsonArray("layers").getJsonObject(0).getString("name"));
        assertEquals("pass", verify.obj().getJsonArray("layers").getJsonObject(0).getJsonArray("checks").getJsonObject(0).getString("status"),
                "K8S01 reaches the API double");

        Run all = mgn("-o", "json", "verify", "all", "--cluster", cid, "-p", "probeWorkspace=false");
        assertEquals(7, all.obj().getJsonArray("layers").size(), all.out);
        assertTrue(all.code >= 0 && all.code <= 2, all.toString());
        Run system = mgn("verify", "system");
        assertTrue(system.out.contains("SYS01") && system.out.contains("result"), system.out);

        Run unreachable = mgn(env("MGN_API_URL", "https://127.0.0.1:" + closedPort(), "MGN_RETRIES", "0"), "-o", "json", "verify", "network");
        assertEquals(2, unreachable.code, unreachable.toString());
        assertEquals(Main.UNREACHABLE, mgn(env("MGN_API_URL", "https://127.0.0.1:" + closedPort(), "MGN_RETRIES", "0"), "cluster", "list").code);

        Run install = mgn("-o", "json", "install", "--cluster", cid, "--dry-run");
        assertEquals(0, install.code, install.toString());
        assertEquals("dry_run", install.obj().getString("status"));

        Run viz = mgn("-o", "json", "viz", "--once");
        assertEquals(0, viz.code, viz.toString());
        assertTrue(viz.obj().getJsonArray("clusters").stream().anyMatch(v -> cid.equals(v.asJsonObject().getString("id"))), viz.out);
        Run vizTable = mgn("viz", "--once", "--cluster", cid);
        assertTrue(vizTable.out.contains("CLUSTERS") && vizTable.out.contains("RUNNING JOBS"), vizTable.out);

        Run stop = mgn("job", "stop", String.valueOf(id));
        assertEquals(Main.ERROR, stop.code, "a finished execution cannot be stopped: " + stop);
        assertTrue(stop.err.contains("not_running"), stop.err);
    }

    @Test
    @Order(7)
    void installRegistersAKubeconfigFirstAndLeavesNothingWhenItIsRefused() throws Exception {
        try (MockCluster other = new MockCluster()) {
            Path kc = home.resolve("other-kubeconfig.yaml");
            Files.writeString(kc, other.kubeconfig("other"));
            Run install = mgn("install", "--kubeconfig", kc.toString(), "--name", "mgn-install", "--dry-run");
            assertEquals(0, install.code, install.toString());
            String newId = mgn("-o", "json", "cluster", "list").arr().stream().map(JsonValue::asJsonObject)
                    .filter(o -> "mgn-install".equals(o.getString("name", null))).map(o -> o.getString("id")).findFirst().orElse(null);
            assertNotNull(newId, "install --kubeconfig registered the cluster");
            assertTrue(install.out.contains("registered cluster " + newId) && install.out.contains("guildnet-setup execution"), install.out);
            assertTrue(install.out.contains("dry_run"), "the setup report's status: " + install.out);
            assertFalse(install.out.contains("secret-token-of-other"), "the kubeconfig's token is never printed");
            assertEquals(0, mgn("cluster", "delete", newId).code);
        }
        Path bad = home.resolve("bad-kubeconfig.yaml");
        Files.writeString(bad, "apiVersion: v1\nkind: Config\nclusters: []\n");
        Run refused = mgn("-o", "json", "install", "--kubeconfig", bad.toString(), "--name", "mgn-refused");
        assertNotEquals(0, refused.code, refused.toString());
        assertTrue(refused.err.contains("kubeconfig"), refused.err);
        Run after = mgn("-o", "json", "cluster", "list");
        assertEquals(0, after.code, after.toString());
        assertTrue(after.arr().stream().noneMatch(v -> "mgn-refused".equals(v.asJsonObject().getString("name", null))),
                "a refused kubeconfig leaves no cluster behind: " + after.out);
    }

    @Test
    @Order(8)
    void clusterDeleteRemovesTheCluster() {
        Run del = mgn("-o", "json", "cluster", "delete", cid);
        assertEquals(0, del.code, del.toString());
        assertEquals(cid, del.obj().getString("deleted"));
        assertEquals(Main.NOT_FOUND, mgn("cluster", "get", cid).code);
        cid = null;
    }

    static int closedPort() {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
