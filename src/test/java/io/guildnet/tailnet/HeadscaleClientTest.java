package io.guildnet.tailnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Headscale REST client against the fake Headscale: users, keys, nodes, routes, health and error codes. */
class HeadscaleClientTest {

    static final String API_KEY = "hs-api-key-7b1c2a";
    private final FakeHeadscale hs;
    private final HeadscaleClient client;

    HeadscaleClientTest() throws Exception {
        hs = new FakeHeadscale(API_KEY);
        client = new HeadscaleClient(hs.url(), API_KEY, Duration.ofSeconds(3));
    }

    @AfterEach
    void tearDown() {
        hs.close();
    }

    @Test
    void ensureUserCreatesOnceAndThenFindsTheUser() throws Exception {
        HeadscaleClient.User u = client.ensureUser("cluster-alpha");
        assertEquals("cluster-alpha", u.name());
        assertEquals(u, client.ensureUser("cluster-alpha"));
        assertEquals(List.of("cluster-alpha"), List.copyOf(hs.users.keySet()));
        assertEquals(1, hs.requests.stream().filter(r -> r.equals("POST /api/v1/user")).count());
    }

    @Test
    void mintsReusableKeysForAUserAndCanExpireThem() throws Exception {
        client.ensureUser("cluster-alpha");
        HeadscaleClient.PreAuthKey k = client.createPreAuthKey("cluster-alpha", true, false, Duration.ofHours(24), List.of());
        assertTrue(k.reusable());
        assertEquals(hs.keys.get(0).key(), k.key());
        assertFalse(k.toString().contains(k.key()), "toString never shows the key");
        client.expirePreAuthKey("cluster-alpha", k.key());
        assertTrue(hs.keys.get(0).expired());
    }

    @Test
    void listsNodesAndRoutesAndEnablesARoute() throws Exception {
        hs.join("subnet-router-node-1", "cluster-alpha", "10.96.0.0/12", "10.244.0.0/16");
        List<HeadscaleClient.Node> nodes = client.nodes("cluster-alpha");
        assertEquals("subnet-router-node-1", nodes.get(0).name());
        assertEquals(List.of("100.64.0.9"), nodes.get(0).ips());
        List<HeadscaleClient.Route> routes = client.routes();
        assertEquals(2, routes.size());
        assertFalse(routes.get(0).enabled());
        client.enableRoute(routes.get(0).id());
        assertTrue(client.routes().get(0).enabled());
        assertFalse(client.routes().get(1).enabled());
    }

    @Test
    void onHeadscale026RoutesComeFromTheNodesAndApprovalKeepsTheOtherApprovedRoutes() throws Exception {
        hs.nodeRoutes = true; // 0.26+: /api/v1/routes is gone
        hs.join("subnet-router-node-1", "cluster-alpha", "10.96.0.0/12", "10.244.0.0/16");
        hs.join("other-router", "cluster-beta", "192.168.0.0/24");
        List<HeadscaleClient.Route> routes = client.routes();
        assertEquals(3, routes.size());
        HeadscaleClient.Route first = routes.get(0);
        assertEquals("subnet-router-node-1", first.node());
        assertEquals("10.96.0.0/12", first.prefix());
        assertFalse(first.enabled());
        client.enableRoute(first.id());
        client.enableRoute(routes.get(1).id());
        client.enableRoute(routes.get(1).id()); // already approved: nothing sent
        assertEquals(List.of(true, true, false), client.routes().stream().map(HeadscaleClient.Route::enabled).toList());
        client.disableRoute(first.id());
        assertEquals(List.of(false, true, false), client.routes().stream().map(HeadscaleClient.Route::enabled).toList(),
                "removing one prefix keeps the node's other approved route");
        assertEquals(3, hs.requests.stream().filter(r -> r.endsWith("/approve_routes")).count());
    }

    @Test
    void aWrongKeyAnUnreachableServerAndServerErrorsHaveTheirCodes() throws Exception {
        var wrong = new HeadscaleClient(hs.url(), "not-the-key", Duration.ofSeconds(3));
        HeadscaleClient.HeadscaleException e = assertThrows(HeadscaleClient.HeadscaleException.class, wrong::users);
        assertEquals("headscale_unauthorized", e.code());
        assertFalse(e.getMessage().contains("not-the-key"));
        assertTrue(wrong.healthy(), "/health needs no key");

        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        var down = new HeadscaleClient("http://127.0.0.1:" + closed, API_KEY, Duration.ofSeconds(2));
        assertEquals("headscale_unreachable", assertThrows(HeadscaleClient.HeadscaleException.class, down::healthy).code());

        client.ensureUser("cluster-alpha");
        hs.failNextPreAuthKey = true;
        var err = assertThrows(HeadscaleClient.HeadscaleException.class,
                () -> client.createPreAuthKey("cluster-alpha", true, false, Duration.ofHours(1), List.of()));
        assertEquals("headscale_error", err.code());
        assertEquals(500, err.status());
        assertThrows(IllegalArgumentException.class, () -> new HeadscaleClient("ftp://x", API_KEY, Duration.ofSeconds(1)));
    }

    @Test
    void theTransportIsAMicroProfileRestClientAndNeverShowsTheKey() throws Exception {
        // the interface HeadscaleClient uses builds as an MP Rest Client (RESTEasy here, Liberty's in the server)
        try (HeadscaleApi api = org.eclipse.microprofile.rest.client.RestClientBuilder.newBuilder()
                .baseUri(java.net.URI.create(hs.url())).register(new HeadscaleClient.BearerAuth(API_KEY)).build(HeadscaleApi.class)) {
            assertEquals(0, api.listUsers().getJsonArray("users").size());
        }
        var noKey = org.eclipse.microprofile.rest.client.RestClientBuilder.newBuilder().baseUri(java.net.URI.create(hs.url())).build(HeadscaleApi.class);
        var wae = assertThrows(jakarta.ws.rs.WebApplicationException.class, noKey::listUsers);
        assertEquals(401, wae.getResponse().getStatus());
        noKey.close();
        assertFalse(client.toString().contains(API_KEY));
        assertFalse(new HeadscaleClient.BearerAuth(API_KEY).toString().contains(API_KEY));
    }
}
