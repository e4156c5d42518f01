package io.guildnet.it;

import static io.guildnet.it.RequestBasicsIT.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Master key: file-held key rotation, restart persistence, wrong-key refusal, env-held key rotation. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecretsIT {

    static LibertyServer server;
    static MockCluster mock;

    @BeforeAll
    static void start() throws Exception {
        mock = new MockCluster();
        server = new LibertyServer("guildnetKeys");
        server.wipeHome();
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.stop();
        if (mock != null) mock.close();
    }

    static List<String> credentialRows() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + server.home().resolve("state/guildnet.sqlite"));
             ResultSet rs = c.createStatement().executeQuery("SELECT id, value FROM credentials ORDER BY id")) {
            while (rs.next()) out.add(rs.getString(1) + "=" + rs.getString(2));
        }
        return out;
    }

    @Test
    @Order(1)
    void rotationReencryptsEveryCredentialAndSurvivesARestart() throws Exception {
        assertEquals(200, server.json("PUT", "/api/settings/database", "{\"addr\":\"127.0.0.1:28015\",\"user\":\"admin\",\"pass\":\"db-pass-1\"}").statusCode());
        assertEquals(200, server.json("PUT", "/api/settings/tailscale", "{\"preauth_key\":\"tskey-1\"}").statusCode());
        String cluster = Json.obj(server.json("POST", "/api/deploy/clusters", "{\"name\":\"kept\"}").body()).getString("id");
        assertEquals(200, server.json("POST", "/api/deploy/clusters/" + cluster + "?action=attach-kubeconfig",
                ClusterApiIT.attachBody(mock.kubeconfig("kept"))).statusCode());
        String keyBefore = Files.readString(server.home().resolve("state/master.key"));
        List<String> before = credentialRows();
        assertEquals(3, before.size());
        byte[] certBefore = server.certificate().getEncoded();

        HttpResponse<String> rot = server.json("POST", "/api/admin/master-key/rotate", "{}");
        assertEquals(200, rot.statusCode(), rot.body());
        JsonObject r = Json.obj(rot.body());
        assertEquals(3, r.getInt("reencrypted"));
        assertTrue(r.getBoolean("key_file_updated"));
        assertNotEquals(keyBefore, Files.readString(server.home().resolve("state/master.key")));
        List<String> after = credentialRows();
        assertEquals(3, after.size());
        for (String row : after) assertTrue(row.contains("gn1:" + r.getString("key_id") + ":"), row);

        server.restart();
        assertEquals(200, server.get("/health/ready").statusCode(), server.get("/health/ready").body());
        assertTrue(Json.obj(server.get("/api/settings/database").body()).getBoolean("pass_set"));
        assertArrayEquals(certBefore, server.certificate().getEncoded(), "the certificate is generated once and reused");
        assertArrayEquals(certBefore, TlsIT.peerCertificateOf(server).getEncoded());

        // registered clusters start by themselves after a restart (their kubeconfig was re-encrypted too)
        boolean ok = false;
        for (int i = 0; i < 100 && !ok; i++) {
            ok = Json.obj(server.get("/api/health").body()).getJsonArray("clusters").stream().map(v -> v.asJsonObject())
                    .anyMatch(c -> cluster.equals(c.getString("id")) && "ok".equals(c.getString("status")));
            if (!ok) Thread.sleep(200);
        }
        assertTrue(ok, "the cluster must be back without anyone touching it: " + server.get("/api/health").body());
    }

    @Test
    @Order(2)
    void aWrongMasterKeyIsRefusedClearlyAndChangesNothing() throws Exception {
        List<String> before = credentialRows();
        server.stop();
        server.env().put("GUILDNET_MASTER_KEY", "definitely-not-the-key");
        try {
            server.start();
            HttpResponse<String> ready = server.get("/health/ready");
            assertEquals(503, ready.statusCode());
            assertTrue(ready.body().contains("not the key that encrypted"), ready.body());
            assertError(server.json("PUT", "/api/settings/database", "{\"pass\":\"other\"}"), 503, "master_key_mismatch");
            assertTrue(server.messagesLog().contains("is not the key that encrypted the stored secrets"));
            assertFalse(server.messagesLog().contains("definitely-not-the-key"), "the key itself must not be logged");
            server.stop();
            assertEquals(before, credentialRows(), "a wrong key must not change stored credentials");
        } finally {
            server.env().remove("GUILDNET_MASTER_KEY");
        }
        server.start();
        assertEquals(200, server.get("/health/ready").statusCode());
    }

    @Test
    @Order(3)
    void anEnvHeldKeyRotatesOnlyToAGivenKey() throws Exception {
        server.stop();
        server.wipeHome();
        server.env().put("GUILDNET_MASTER_KEY", "first passphrase");
        try {
            server.start();
            assertEquals(200, server.json("PUT", "/api/settings/database", "{\"pass\":\"db-pass-2\"}").statusCode());
            assertFalse(Files.exists(server.home().resolve("state/master.key")), "an env key never writes a key file");
            assertError(server.json("POST", "/api/admin/master-key/rotate", "{}"), 400, "new_key_required");
            HttpResponse<String> rot = server.json("POST", "/api/admin/master-key/rotate", "{\"new_key\":\"second passphrase\"}");
            assertEquals(200, rot.statusCode(), rot.body());
            assertFalse(Json.obj(rot.body()).getBoolean("key_file_updated"));
            server.stop();
            server.env().put("GUILDNET_MASTER_KEY", "second passphrase");
            server.start();
            assertEquals(200, server.get("/health/ready").statusCode());
            assertTrue(Json.obj(server.get("/api/settings/database").body()).getBoolean("pass_set"));
        } finally {
            server.env().remove("GUILDNET_MASTER_KEY");
        }
    }
}
