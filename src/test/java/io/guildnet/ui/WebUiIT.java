package io.guildnet.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.it.LibertyServer;
import io.guildnet.it.MockCluster;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The web UI in headless Chromium against the real Host App: kubernetes-server-mock clusters and
 * the in-memory RethinkDB (the shared IT server). Every test fails on a browser console error and
 * leaves a screenshot in target/screenshots.
 */
class WebUiIT {

    static LibertyServer server;
    static MockCluster mock;
    static String cid;
    Browser b;

    @BeforeAll
    static void start() throws Exception {
        server = LibertyServer.shared();
        mock = new MockCluster();
        cid = obj(server.json("POST", "/api/deploy/clusters", "{\"name\":\"ui-main\"}").body()).getString("id");
        HttpResponse<String> att = server.json("POST", "/api/deploy/clusters/" + cid + "?action=attach-kubeconfig",
                Json.createObjectBuilder().add("kubeconfig", mock.kubeconfig("ui-main")).build().toString());
        assertEquals(200, att.statusCode(), att.body());
    }

    @AfterAll
    static void stop() throws Exception {
        if (cid != null) server.send("DELETE", "/api/deploy/clusters/" + cid, null);
        if (mock != null) mock.close();
    }

    @BeforeEach
    void browser() throws Exception {
        b = new Browser(server);
    }

    @AfterEach
    void close(org.junit.jupiter.api.TestInfo info) {
        if (b == null) return;
        try {
            b.screenshot("last-" + info.getTestMethod().map(m -> m.getName()).orElse("test"));
        } catch (Exception ignored) {
            // the browser may be gone already
        } finally {
            b.close();
        }
    }

    static JsonObject obj(String s) {
        return Json.createReader(new StringReader(s)).readObject();
    }

    static void waitFor(String what, int seconds, java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.currentTimeMillis() + seconds * 1000L;
        while (!c.getAsBoolean()) {
            if (System.currentTimeMillis() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(100);
        }
    }

    @Test
    void addsAClusterByPastingAKubeconfig() throws Exception {
        MockCluster lab = new MockCluster();
        try {
            b.open("/");
            b.await(By.id("add-cluster")).click();
            b.paste(By.id("ac-kc"), "kind: Config\nfoo: bar\n");
            assertTrue(b.await(By.cssSelector("[data-kc-invalid]")).getText().contains("Not a kubeconfig"), "pasted garbage is refused before sending");
            b.type(By.id("ac-name"), "lab");
            b.paste(By.id("ac-kc"), lab.kubeconfig("lab"));
            assertTrue(b.driver.findElements(By.cssSelector("[data-kc-invalid]")).isEmpty());
            b.driver.findElement(By.cssSelector("#add-cluster-form button[type=submit]")).click();
            // navigates to the new cluster's servers page; the sidebar shows it with a green dot
            b.until("servers page of the new cluster", 30, d -> d.getCurrentUrl().matches(".*/c/[^/]+/servers$"));
            String id = b.driver.getCurrentUrl().replaceAll(".*/c/([^/]+)/servers$", "$1");
            WebElement entry = b.await(By.cssSelector("li[data-cluster='" + id + "'] a"));
            assertTrue(entry.getText().contains("lab"), entry.getText());
            b.awaitAttr(By.cssSelector("li[data-cluster='" + id + "'] [data-health]"), "data-health", "ok", 40);
            assertTrue(entry.getAttribute("title").startsWith("lab: ok"), "tooltip: " + entry.getAttribute("title"));
            b.await(By.cssSelector(".toast[data-kind=ok]"));
            b.screenshot("01-add-cluster");
            b.assertNoConsoleErrors();
            server.send("DELETE", "/api/deploy/clusters/" + id, null);
        } finally {
            lab.close();
        }
    }

    @Test
    void importsAJoinFile() throws Exception {
        MockCluster other = new MockCluster();
        java.nio.file.Path file = java.nio.file.Files.createTempFile("guildnet", ".config");
        try {
            java.nio.file.Files.writeString(file, Json.createObjectBuilder().add("version", 2)
                    .add("cluster", Json.createObjectBuilder().add("name", "joined-ui").add("kubeconfig", other.kubeconfig("joined-ui"))).build().toString());
            b.open("/");
            b.await(By.id("add-cluster")).click();
            b.await(By.xpath("//dialog[@open]//button[@role='tab' and normalize-space()='Import join file']")).click();
            b.driver.findElement(By.id("ac-file")).sendKeys(file.toString());
            b.driver.findElement(By.cssSelector("#add-cluster-form button[type=submit]")).click();
            b.until("servers page of the joined cluster", 30, d -> d.getCurrentUrl().matches(".*/c/[^/]+/servers$"));
            String id = b.driver.getCurrentUrl().replaceAll(".*/c/([^/]+)/servers$", "$1");
            assertTrue(b.await(By.cssSelector("li[data-cluster='" + id + "'] a")).getText().contains("joined-ui"));
            b.assertNoConsoleErrors();
            server.send("DELETE", "/api/deploy/clusters/" + id, null);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
            other.close();
        }
    }

    @Test
    void launchesAWorkspaceAndSeesItRunningThenReadsItsLiveLogs() throws Exception {
        waitFor("the operator's CRD on the cluster", 30,
                () -> mock.client.apiextensions().v1().customResourceDefinitions().withName("workspaces.guildnet.io").get() != null);
        b.open("/c/" + cid + "/launch");
        b.await(By.cssSelector("#l-preset option[value]:not([value=''])"), 20);
        b.type(By.id("l-image"), "nginx:1.27");
        b.type(By.id("l-name"), "web");
        b.driver.findElement(By.xpath("//button[normalize-space()='+ Env']")).click();
        b.type(By.cssSelector("[aria-label='Env 1 name']"), "TEAM");
        b.type(By.cssSelector("[aria-label='Env 1 value']"), "blue");
        b.driver.findElement(By.cssSelector("#launch-form button[type=submit]")).click();
        b.until("the detail page", 20, d -> d.getCurrentUrl().endsWith("/c/" + cid + "/servers/web"));
        b.awaitAttr(By.cssSelector("h1 .pill"), "data-value", "Pending", 20);

        // the operator made a Deployment; the double reports a ready replica, as a real cluster would
        var dep = await(() -> mock.client.apps().deployments().inNamespace("default").withName("web").get(), "deployment from the operator");
        assertEquals("blue", dep.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("TEAM")).findFirst().orElseThrow().getValue(), "env from the form reaches the pod");
        var pod = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("web-7d9f").withNamespace("default")
                .addToLabels("guildnet.io/workspace", "web").endMetadata()
                .withNewSpec().withNodeName("node-1").addNewContainer().withName("workspace").withImage("nginx:1.27").endContainer().endSpec()
                .withNewStatus().withPhase("Running").endStatus().build();
        mock.client.pods().inNamespace("default").resource(pod).create();
        // 2,100 lines: the view keeps the newest 2,000 (its ring buffer)
        StringBuilder log = new StringBuilder("2026-12-02T08:00:00.000000001Z nginx starting\n");
        for (int i = 1; i < 2100; i++) log.append(String.format("2026-12-02T08:%02d:%02d.000000001Z line %d%n", i / 60 % 60, i % 60, i));
        log.append("2026-12-02T09:00:00.000000001Z hello from web\n");
        mock.server.expect().get().withPath("/api/v1/namespaces/default/pods/web-7d9f/log?pretty=false&tailLines=200&timestamps=true&follow=true")
                .andReturn(200, log.toString()).always();
        mock.client.apps().deployments().inNamespace("default").withName("web")
                .editStatus(d -> new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(d).withNewStatus().withReplicas(1).withReadyReplicas(1)
                        .withAvailableReplicas(1).endStatus().build());
        b.awaitAttr(By.cssSelector("h1 .pill"), "data-value", "Running", 60);

        b.driver.findElement(By.id("tab-logs")).click();
        b.awaitText(By.id("logbox"), "hello from web", 30);
        b.awaitText(By.cssSelector("[data-log-state]"), "live", 10);
        assertTrue(b.driver.findElement(By.xpath("//span[contains(.,'lines')]")).getText().contains("2000 / 2000 lines"));
        String shown = b.driver.findElement(By.id("logbox")).getText();
        assertTrue(shown.contains("[web-7d9f] line 101\n") && !shown.contains("nginx starting") && !shown.contains("line 100\n"),
                "the oldest 101 lines left the 2,000-line buffer");
        b.type(By.cssSelector("[aria-label='Search logs']"), "hello");
        assertEquals(1, b.driver.findElements(By.cssSelector("#logbox mark")).size(), "search highlights the match");
        b.screenshot("03-logs");

        b.open("/c/" + cid + "/servers");
        WebElement row = b.await(By.cssSelector("tr[data-server=web]"));
        b.awaitAttr(By.cssSelector("tr[data-server=web] .pill"), "data-value", "running", 20);
        assertTrue(row.getText().contains("nginx:1.27"), row.getText());
        new Select(b.driver.findElement(By.cssSelector("[aria-label='Status filter']"))).selectByVisibleText("pending");
        assertTrue(b.driver.findElements(By.cssSelector("tr[data-server=web]")).isEmpty(), "the status filter hides running servers");
        new Select(b.driver.findElement(By.cssSelector("[aria-label='Status filter']"))).selectByVisibleText("all");
        b.await(By.cssSelector("tr[data-server=web]"));
        b.screenshot("02-servers");

        // delete with confirmation
        b.driver.findElement(By.cssSelector("[aria-label='Delete web']")).click();
        b.await(By.cssSelector("dialog[open] [data-confirm]")).click();
        b.until("the server disappears", 20, d -> d.findElements(By.cssSelector("tr[data-server=web]")).isEmpty());
        assertEquals(404, server.get("/api/cluster/" + cid + "/workspaces/web").statusCode());
        b.assertNoConsoleErrors();
    }

    @Test
    void databaseGridShowsChangesMadeThroughTheApiLive() throws Exception {
        b.open("/c/" + cid + "/databases");
        b.await(By.id("new-db")).click();
        b.type(By.id("db-id"), "shop");
        b.type(By.id("db-name"), "Shop");
        b.driver.findElement(By.cssSelector("#new-db-form button[type=submit]")).click();
        b.await(By.cssSelector("tr[data-db=shop] a")).click();
        b.await(By.id("new-table")).click();
        b.type(By.id("t-name"), "orders");
        b.driver.findElement(By.xpath("//button[normalize-space()='+ Column']")).click();
        b.type(By.cssSelector("[aria-label='Column 2 name']"), "qty");
        new Select(b.driver.findElement(By.cssSelector("[aria-label='Column 2 type']"))).selectByVisibleText("number");
        b.driver.findElement(By.cssSelector("#new-table-form button[type=submit]")).click();
        b.until("the table page", 20, d -> d.getCurrentUrl().endsWith("/databases/shop/tables/orders"));

        // insert a row through the UI
        b.await(By.id("insert-row")).click();
        b.type(By.id("ins-id"), "a1");
        b.type(By.id("ins-qty"), "3");
        b.driver.findElement(By.cssSelector("#insert-form button[type=submit]")).click();
        b.awaitText(By.cssSelector("tr[data-row=a1] td[data-col=qty]"), "3", 20);

        // paging: 50 rows a page, "Load more" follows the cursor
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 55; i++) many.append(i == 0 ? "" : ",").append(String.format("{\"id\":\"p%02d\",\"qty\":%d}", i, i));
        assertEquals(201, server.json("POST", "/api/cluster/" + cid + "/db/shop/tables/orders/rows", many.append("]").toString()).statusCode());
        b.driver.findElement(By.xpath("//button[normalize-space()='Refresh']")).click();
        b.until("the first page", 20, d -> d.findElements(By.cssSelector("#rows-grid tbody tr")).size() == 50);
        b.driver.findElement(By.xpath("//button[normalize-space()='Load more']")).click();
        b.until("the second page", 20, d -> d.findElements(By.cssSelector("#rows-grid tbody tr")).size() == 56);
        assertTrue(b.driver.findElements(By.xpath("//button[normalize-space()='Load more']")).isEmpty(), "no cursor after the last page");

        // live mode: rows written through the API appear without a reload
        b.driver.findElement(By.id("live-toggle")).click();
        b.awaitAttr(By.cssSelector("[data-feed]"), "data-feed", "live", 20);
        b.await(By.cssSelector("tr[data-row=a1]"));
        String rows = "/api/cluster/" + cid + "/db/shop/tables/orders/rows";
        assertEquals(201, server.json("POST", rows, "{\"id\":\"b2\",\"qty\":7}").statusCode());
        b.awaitText(By.cssSelector("tr[data-row=b2] td[data-col=qty]"), "7", 20);
        assertEquals(200, server.json("PATCH", rows + "/a1", "{\"qty\":42}").statusCode());
        b.awaitText(By.cssSelector("tr[data-row=a1] td[data-col=qty]"), "42", 20);

        // inline edit in the grid reaches the database
        WebElement cell = b.driver.findElement(By.cssSelector("tr[data-row=b2] td[data-col=qty]"));
        new org.openqa.selenium.interactions.Actions(b.driver).doubleClick(cell).perform();
        WebElement input = b.await(By.cssSelector("tr[data-row=b2] td input"));
        input.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "8\n");
        waitFor("the edit stored", 20, () -> {
            try {
                return obj(server.get(rows + "/b2").body()).getInt("qty") == 8;
            } catch (Exception e) {
                return false;
            }
        });
        b.awaitText(By.cssSelector("tr[data-row=b2] td[data-col=qty]"), "8", 20);
        Thread.sleep(500);
        assertEquals(1, countAudit("update", "orders/b2"), "one edit in the grid is one update");
        assertEquals(200, server.send("DELETE", rows + "/a1", null).statusCode());
        b.until("the deleted row leaves the grid", 20, d -> d.findElements(By.cssSelector("tr[data-row=a1]")).isEmpty());
        b.screenshot("04-database-live");

        // import wizard: a dry run shows the per-row error, the import writes the good row
        b.open("/c/" + cid + "/databases/shop/tables/orders/import");
        b.paste(By.id("imp-text"), "id,qty\nc3,5\nd4,many\n");
        b.await(By.id("imp-dry")).click();
        b.awaitText(By.id("imp-preview"), "type:qty", 20);
        b.driver.findElement(By.id("imp-go")).click();
        b.awaitText(By.id("imp-result"), "1 inserted", 20);
        b.screenshot("05-database-import");
        b.open("/c/" + cid + "/databases/shop/tables/orders/audit");
        b.awaitText(By.id("audit-table"), "import", 20);
        b.assertNoConsoleErrors();
    }

    @Test
    void runsVerifyAndReadsTheReportLayerByLayer() throws Exception {
        b.open("/c/" + cid + "/jobs");
        new Select(b.await(By.id("job-kind"))).selectByValue("guildnet-verify");
        new Select(b.await(By.id("jp-probeWorkspace"))).selectByVisibleText("false");
        b.driver.findElement(By.id("job-run")).click();
        b.until("the execution page", 20, d -> d.getCurrentUrl().matches(".*/c/" + cid + "/jobs/\\d+$"));
        WebElement report = b.await(By.id("verify-report"), 90);
        List<WebElement> layers = report.findElements(By.cssSelector("[data-layer]"));
        assertEquals(List.of("network", "cluster", "database", "application"),
                layers.stream().map(l -> l.getAttribute("data-layer")).toList());
        String summary = report.findElement(By.cssSelector("[data-summary]")).getAttribute("data-summary");
        assertTrue(List.of("pass", "warn", "fail").contains(summary), summary);
        assertTrue(b.driver.findElement(By.id("job-log")).getText().contains("finished"), "the step log was shown");
        b.awaitAttr(By.cssSelector("h1 .pill"), "data-value", "COMPLETED", 20);
        assertTrue(report.getText().matches("(?s).*\\d+ pass · \\d+ warn · \\d+ fail · \\d+ skip.*"), report.getText());
        assertTrue(b.driver.findElement(By.cssSelector("a[href$='report?download=1']")).isDisplayed());
        b.screenshot("06-verify-report");
        b.open("/c/" + cid + "/jobs");
        b.await(By.cssSelector("#exec-table [role=progressbar]"));
        // a diagnosis renders its summary and findings
        new Select(b.await(By.id("job-kind"))).selectByValue("guildnet-diagnose");
        b.driver.findElement(By.id("job-run")).click();
        WebElement diag = b.await(By.id("diagnose-report"), 90);
        assertTrue(diag.getText().contains("Diagnosis"), diag.getText());
        b.open("/c/" + cid + "/jobs");
        List<WebElement> rows = b.await(By.id("exec-table")).findElements(By.cssSelector("tbody tr"));
        assertTrue(rows.stream().allMatch(r -> r.findElements(By.tagName("td")).get(2).getText().equals(cid)), "only this cluster's executions");
        assertTrue(rows.stream().anyMatch(r -> r.getText().contains("Verify")) && rows.stream().anyMatch(r -> r.getText().contains("Diagnose")),
                "both executions are listed");
        b.assertNoConsoleErrors();
    }

    @Test
    void downloadsAndDeletesTheFileOfAnExportJob() throws Exception {
        assertEquals(201, server.json("POST", "/api/cluster/" + cid + "/db", "{\"id\":\"ui_export\"}").statusCode());
        assertEquals(201, server.json("POST", "/api/cluster/" + cid + "/db/ui_export/tables", "{\"name\":\"t\"}").statusCode());
        HttpResponse<String> ins = server.json("POST", "/api/cluster/" + cid + "/db/ui_export/tables/t/rows", "[{\"id\":\"a\"},{\"id\":\"b\"}]");
        assertTrue(ins.statusCode() < 300, ins.body());
        HttpResponse<String> sub = server.json("POST", "/api/batch/jobs", "{\"job\":\"rethink-export\",\"params\":{\"cluster\":\"" + cid
                + "\",\"db\":\"ui_export\",\"table\":\"t\",\"format\":\"ndjson\"}}");
        assertEquals(202, sub.statusCode(), sub.body());
        long id = obj(sub.body()).getJsonNumber("executionId").longValue();
        b.open("/c/" + cid + "/jobs/" + id);
        b.awaitAttr(By.cssSelector("h1 .pill"), "data-value", "COMPLETED", 60);
        WebElement link = b.await(By.id("export-download"), 20);
        assertTrue(link.getAttribute("href").endsWith("/api/batch/executions/" + id + "/file"), link.getAttribute("href"));
        assertEquals(2, server.get("/api/batch/executions/" + id + "/file").body().lines().count(), "the link serves the exported rows");
        b.awaitText(By.id("transfer-report"), "Exported 2 rows", 20);
        assertTrue(b.driver.findElement(By.id("transfer-report")).getText().contains("ui_export.t"));
        assertTrue(b.driver.findElement(By.id("job-log")).getText().contains("step export finished: COMPLETED"),
                "a chunk step's end reads COMPLETED, not the runtime's interim STARTED");
        b.screenshot("09-export-job");
        b.driver.findElement(By.id("export-delete")).click();
        b.await(By.cssSelector("[data-confirm]")).click();
        b.await(By.id("export-gone"), 20);
        assertEquals(404, server.get("/api/batch/executions/" + id + "/file").statusCode(), "the file is gone");
        b.assertNoConsoleErrors();
    }

    @Test
    void changesSettingsAndKeepsSecretsWriteOnly() throws Exception {
        b.open("/settings");
        b.type(By.id("s-global-org_id"), "acme-ui");
        b.driver.findElement(By.cssSelector("#settings-global button[type=submit]")).click();
        b.awaitText(By.cssSelector(".toast[data-kind=ok]"), "org_id", 20);
        assertEquals("acme-ui", obj(server.get("/api/settings/global").body()).getString("org_id"));

        b.type(By.id("s-tailscale-preauth_key"), "tskey-ui-secret");
        b.driver.findElement(By.cssSelector("#settings-tailscale button[type=submit]")).click();
        b.awaitAttr(By.cssSelector("[data-field=preauth_key] [data-secret-state]"), "data-secret-state", "set", 20);
        assertEquals("", b.driver.findElement(By.id("s-tailscale-preauth_key")).getAttribute("value"), "a stored secret is never shown");
        assertTrue(!b.driver.getPageSource().contains("tskey-ui-secret"));

        b.open("/c/" + cid + "/settings");
        b.type(By.id("s-cluster-ingress_domain"), "apps.example.test");
        b.driver.findElement(By.cssSelector("#settings-cluster button[type=submit]")).click();
        b.awaitText(By.cssSelector(".toast[data-kind=ok]"), "ingress_domain", 20);
        assertEquals("apps.example.test", obj(server.get("/api/settings/cluster/" + cid).body()).getString("ingress_domain"));
        b.awaitAttr(By.cssSelector("[data-cluster-health]"), "data-cluster-health", "ok", 20);
        b.screenshot("07-settings");
        // published services: none yet; this cluster has no tailnet connector, so publishing says why
        b.awaitText(By.id("published-services"), "Nothing published.", 20);
        b.type(By.id("pub-service"), "web");
        b.driver.findElement(By.cssSelector("#published-services button[type=submit]")).click();
        b.awaitText(By.cssSelector("#published-services .field-error"), "no running tailnet connector", 20);
        b.assertNoConsoleErrors("published-services - Failed to load resource: the server responded with a status of 409");
    }

    @Test
    void tokenModeAsksForTheTokenAndSignsInWithACookie() throws Exception {
        String bearer = "Bearer " + server.adminToken();
        assertEquals(200, server.json("PUT", "/api/settings/global", "{\"auth_mode\":\"token\"}", "Authorization", bearer).statusCode());
        try {
            b.open("/c/" + cid + "/servers");
            b.await(By.id("login-token")).sendKeys("not-the-token");
            b.driver.findElement(By.cssSelector(".login button[type=submit]")).click();
            b.awaitText(By.id("login-err"), "not valid", 20);
            b.type(By.id("login-token"), server.adminToken());
            b.driver.findElement(By.cssSelector(".login button[type=submit]")).click();
            b.awaitText(By.cssSelector("[data-principal]"), "user:admin", 20);
            b.await(By.cssSelector("li[data-cluster='" + cid + "']"));
            assertTrue(b.driver.manage().getCookieNamed("gn_session") != null, "session cookie set");
            b.screenshot("08-signed-in");
            // the cookie also authenticates the live streams: the servers page loaded its list
            b.await(By.cssSelector("main .toolbar"));
            b.driver.findElement(By.xpath("//button[normalize-space()='Sign out']")).click();
            b.await(By.id("login-token"));
            b.screenshot("00-login");
            // the one expected failure: the wrong token
            b.assertNoConsoleErrors("/api/auth/login - Failed to load resource: the server responded with a status of 401");
        } finally {
            server.json("PUT", "/api/settings/global", "{\"auth_mode\":\"loopback-or-token\"}", "Authorization", bearer);
        }
    }

    static long countAudit(String action, String row) throws Exception {
        var a = Json.createReader(new StringReader(server.get("/api/cluster/" + cid + "/db/shop/audit?table=orders&limit=1000").body())).readArray();
        return a.stream().map(v -> v.asJsonObject()).filter(o -> action.equals(o.getString("action")) && row.equals(o.getString("scope_id", ""))).count();
    }

    static <T> T await(java.util.function.Supplier<T> s, String what) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            T v = s.get();
            if (v != null) return v;
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
