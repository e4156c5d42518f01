package io.guildnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.api.ApiException;
import io.guildnet.security.MasterKey;
import io.guildnet.security.SecretBox;
import io.guildnet.store.Database;
import io.guildnet.store.HeadscaleRecord;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadscaleServiceTest {

    @TempDir
    Path tmp;

    private Database db;
    private Path dbFile;
    private ExecutorService exec;
    private HeadscaleService hs;

    @BeforeEach
    void setUp() throws Exception {
        dbFile = tmp.resolve("state/guildnet.sqlite");
        db = Database.open(dbFile);
        SecretBox box = new SecretBox(MasterKey.fromPassphrase("test-key", "test"));
        exec = Executors.newFixedThreadPool(2);
        hs = new HeadscaleService(db, () -> box, exec, Clock.systemUTC(), Duration.ofSeconds(15));
    }

    @AfterEach
    void tearDown() throws Exception {
        exec.shutdownNow();
        exec.awaitTermination(5, TimeUnit.SECONDS);
        db.close();
    }

    private String credential(String id) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile.toAbsolutePath());
             PreparedStatement ps = c.prepareStatement("SELECT value FROM credentials WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private int rows(String sql, String arg) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile.toAbsolutePath());
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private ApiException apiError(Runnable r) {
        return assertThrows(ApiException.class, r::run);
    }

    @Test
    void createWithoutANameGetsADefaultNameNeverNil() {
        for (String name : new String[] {null, "", "   "}) {
            HeadscaleRecord r = hs.create(name);
            assertTrue(r.name().startsWith("headscale-"), r.name());
            assertEquals("headscale-" + r.id().substring(0, 8), r.name());
            assertFalse(r.name().contains("nil"));
        }
        assertEquals("edge-hs", hs.create("  edge-hs ").name());
        HeadscaleRecord stored = hs.require(hs.create(null).id());
        assertEquals("pending", stored.state());
        assertNull(stored.endpoint());
        assertEquals(5, hs.list().size());
        assertEquals(5, hs.list().stream().map(HeadscaleRecord::id).distinct().count());
    }

    @Test
    void endpointMustBeAnHttpUrl() {
        String id = hs.create("hs").id();

        assertEquals("missing_endpoint", apiError(() -> hs.setEndpoint(id, " ")).code());
        assertEquals("missing_endpoint", apiError(() -> hs.setEndpoint(id, null)).code());
        for (String bad : new String[] {"ftp://hs.example", "hs.example:8080", "http://", "not a url", "//hs.example"}) {
            ApiException e = apiError(() -> hs.setEndpoint(id, bad));
            assertEquals(400, e.status(), bad);
            assertEquals("invalid_field", e.code(), bad);
        }
        assertNull(hs.require(id).endpoint(), "rejected endpoints are not stored");

        hs.setEndpoint(id, " https://hs.example:8443 ");
        assertEquals("https://hs.example:8443", hs.require(id).endpoint());
        assertEquals("hs", hs.require(id).name());
    }

    @Test
    void preauthKeyIsStoredEncrypted() throws Exception {
        String id = hs.create("hs").id();
        assertFalse(hs.preauthSet(id));
        assertEquals("missing_value", apiError(() -> hs.setPreauthKey(id, "  ")).code());

        hs.setPreauthKey(id, "hskey-auth-Sup3rSecret");

        String stored = credential(HeadscaleService.preauthId(id));
        assertNotNull(stored);
        assertTrue(stored.startsWith("gn1:"), stored);
        assertFalse(stored.contains("hskey-auth-Sup3rSecret"));
        assertFalse(stored.contains("Sup3rSecret"));
        assertTrue(hs.preauthSet(id));
    }

    @Test
    void healthWithoutEndpointIsUnknown() {
        String id = hs.create("hs").id();
        long t0 = System.nanoTime();

        HeadscaleService.Health h = hs.check(id);

        assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(500), "nothing to dial, answers at once");
        assertEquals("unknown", h.status());
        assertEquals("no_endpoint", h.code());
        assertNotNull(h.error());
    }

    @Test
    void healthOfAClosedPortIsAnErrorWithTheReason() throws Exception {
        String id = hs.create("hs").id();
        int port = MockClusters.closedPort();
        hs.setEndpoint(id, "http://127.0.0.1:" + port);

        HeadscaleService.Health h = hs.check(id);

        assertEquals("error", h.status());
        assertEquals("headscale_unreachable", h.code());
        assertNotNull(h.error());
        assertTrue(h.error().startsWith("127.0.0.1:" + port + ": "), h.error());
        assertTrue(h.error().length() > ("127.0.0.1:" + port + ": ").length(), "carries the reason: " + h.error());
    }

    @Test
    void healthOfAListeningEndpointIsOk() throws Exception {
        String id = hs.create("hs").id();
        try (ServerSocket listening = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            hs.setEndpoint(id, "https://127.0.0.1:" + listening.getLocalPort() + "/");

            HeadscaleService.Health h = hs.check(id);

            assertEquals("ok", h.status());
            assertNull(h.code());
            assertNull(h.error());
        }
    }

    @Test
    void cachedHealthAnswersAtOnceThenHoldsTheCheck() throws Exception {
        String id = hs.create("hs").id();
        assertEquals("checking", hs.cached(id).code());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ("checking".equals(hs.cached(id).code()) && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals("no_endpoint", hs.cached(id).code());
    }

    @Test
    void deleteRemovesTheRecordAndTheCredential() throws Exception {
        String id = hs.create("hs").id();
        String other = hs.create("other").id();
        hs.setPreauthKey(id, "hskey-1");
        hs.setPreauthKey(other, "hskey-2");

        hs.delete(id);

        assertEquals(0, rows("SELECT count(*) FROM headscales WHERE id = ?", id));
        assertEquals(0, rows("SELECT count(*) FROM credentials WHERE scope_id = ?", id));
        assertFalse(hs.preauthSet(id));
        assertEquals("unknown_headscale", apiError(() -> hs.require(id)).code());
        assertTrue(hs.preauthSet(other), "other records keep their keys");
        assertEquals(1, hs.list().size());
    }

    @Test
    void unknownIdsAre404() {
        for (Runnable r : new Runnable[] {
                () -> hs.require("nope"), () -> hs.delete("nope"), () -> hs.check("nope"),
                () -> hs.setEndpoint("nope", "https://hs.example"), () -> hs.setPreauthKey("nope", "k")}) {
            ApiException e = apiError(r);
            assertEquals(404, e.status());
            assertEquals("unknown_headscale", e.code());
        }
        assertEquals(0, hs.list().size());
    }

    // ---- the REST API (fake Headscale) ----------------------------------------------------------

    @Test
    void mintingCreatesTheUserAndStoresTheKeyEncryptedWithoutReturningIt() throws Exception {
        try (io.guildnet.tailnet.FakeHeadscale fake = new io.guildnet.tailnet.FakeHeadscale("api-key-123456")) {
            String id = hs.create("hs1").id();
            ApiException noApi = assertThrows(ApiException.class, () -> hs.mintPreauthKey(id, "cluster-alpha", true, false, Duration.ofHours(24)));
            assertEquals(409, noApi.status());
            assertEquals("headscale_api_not_configured", noApi.code());
            hs.setEndpoint(id, fake.url());
            hs.setApiKey(id, "api-key-123456");
            assertTrue(hs.apiKeySet(id));
            assertFalse(credential("hs:" + id + ":apikey").contains("api-key-123456"), "the API key is stored encrypted");

            HeadscaleService.Minted m = hs.mintPreauthKey(id, "cluster-alpha", true, false, Duration.ofHours(24));
            assertEquals("cluster-alpha", m.user());
            assertTrue(m.reusable());
            assertFalse(m.toString().contains("hskey-"), "the minted key is not part of what is returned");
            assertTrue(fake.users.containsKey("cluster-alpha"));
            String minted = fake.keys.get(0).key();
            assertEquals(minted, hs.preauthKey(id).orElseThrow());
            assertFalse(credential("hs:" + id + ":preauth").contains(minted), "the minted key is stored encrypted");

            assertEquals("invalid_field", assertThrows(ApiException.class,
                    () -> hs.mintPreauthKey(id, "Bad User", true, false, Duration.ofHours(1))).code());
            fake.failNextPreAuthKey = true;
            ApiException failed = assertThrows(ApiException.class, () -> hs.mintPreauthKey(id, "cluster-alpha", true, false, Duration.ofHours(1)));
            assertEquals(502, failed.status());
            assertEquals("headscale_error", failed.code());
        }
    }

    @Test
    void healthCallsHeadscaleAndReportsAWrongApiKey() throws Exception {
        try (io.guildnet.tailnet.FakeHeadscale fake = new io.guildnet.tailnet.FakeHeadscale("api-key-123456")) {
            String id = hs.create("hs1").id();
            hs.setEndpoint(id, fake.url());
            hs.setApiKey(id, "api-key-123456");
            assertEquals("ok", hs.check(id).status());
            assertTrue(fake.requests.contains("GET /health") && fake.requests.contains("GET /api/v1/user"), fake.requests.toString());
            hs.setApiKey(id, "wrong-key");
            HeadscaleService.Health h = hs.check(id);
            assertEquals("error", h.status());
            assertEquals("headscale_unauthorized", h.code());
            assertFalse(h.error().contains("wrong-key"));
        }
    }
}
