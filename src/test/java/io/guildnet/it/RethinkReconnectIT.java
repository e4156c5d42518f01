package io.guildnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * After a Host App restart every cluster's database link reconnects by itself, before anyone
 * asks for data (the anchor connected only on a request, so a restarted host showed every
 * database as down until a user clicked around). Only /metrics is read after the restart.
 */
class RethinkReconnectIT {

    static LibertyServer server;
    static MockCluster one, two;

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.stop();
        if (one != null) one.close();
        if (two != null) two.close();
    }

    static String addCluster(String name, MockCluster mock) throws Exception {
        HttpResponse<String> c = server.json("POST", "/api/deploy/clusters", "{\"name\":\"" + name + "\"}");
        assertEquals(201, c.statusCode(), c.body());
        String cid = Json.obj(c.body()).getString("id");
        String kc = jakarta.json.Json.createObjectBuilder().add("kubeconfig", mock.kubeconfig(name)).build().toString();
        HttpResponse<String> a = server.json("POST", "/api/deploy/clusters/" + cid + "?action=attach-kubeconfig", kc);
        assertTrue(a.statusCode() < 300, a.body());
        return cid;
    }

    static long connectedLinks() throws Exception {
        Matcher m = Pattern.compile("(?m)^guildnet_rethink_links_connected\\{[^}]*\\} ([0-9.]+)").matcher(server.get("/metrics").body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    static void awaitLinks(long want) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long have = -1;
        while (System.nanoTime() < deadline) {
            have = connectedLinks();
            if (have == want) return;
            Thread.sleep(250);
        }
        throw new AssertionError("connected database links: " + have + ", expected " + want + "\n" + server.logTail());
    }

    @Test
    void everyClusterReconnectsByItselfAfterARestart() throws Exception {
        one = new MockCluster();
        two = new MockCluster();
        server = new LibertyServer("guildnetRethinkReconnect");
        server.wipeHome();
        Files.createDirectories(server.home());
        server.env().put("GUILDNET_RDB_BACKEND", "memory");
        server.start();
        addCluster("rdb-one", one);
        addCluster("rdb-two", two);
        awaitLinks(2);

        server.restart();

        // no database request is made: the links come back from the instances' own start
        awaitLinks(2);
        String log = server.messagesLog();
        assertEquals(2, Pattern.compile("RethinkDB connected at memory").matcher(log).results().count(),
                "one connection per cluster after the restart, none opened by requests:\n" + log);
    }
}
