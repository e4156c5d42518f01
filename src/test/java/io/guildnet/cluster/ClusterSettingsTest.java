package io.guildnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.api.ApiException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

    private static JsonObject json(String s) {
        return Json.createReader(new java.io.StringReader(s)).readObject();
    }

    private final Set<String> changed = new LinkedHashSet<>();
    private final String[] secret = {null};

    private ClusterSettings apply(ClusterSettings s, String patch) {
        return s.apply(json(patch), changed, secret);
    }

    private ApiException rejected(String patch) {
        ApiException e = assertThrows(ApiException.class, () -> apply(ClusterSettings.empty(), patch));
        assertEquals(400, e.status());
        return e;
    }

    @Test
    void unknownFieldsAreRejectedByName() {
        ApiException e = rejected("{\"namespace\":\"a\",\"colour\":\"blue\"}");

        assertEquals("unknown_field", e.code());
        assertEquals(List.of("colour"), ((Map<?, ?>) e.details()).get("fields"));
        assertTrue(((List<?>) ((Map<?, ?>) e.details()).get("allowed")).contains("namespace"));
    }

    @Test
    void wrongTypesAreInvalid() {
        for (String[] c : new String[][] {
                {"{\"namespace\":5}", "namespace"},
                {"{\"prefer_pod_proxy\":\"true\"}", "prefer_pod_proxy"},
                {"{\"workspace_lb_enabled\":1}", "workspace_lb_enabled"},
                {"{\"ingress_domain\":true}", "ingress_domain"},
                {"{\"ts_client_auth\":42}", "ts_client_auth"},
                {"{\"api_proxy_url\":null}", "api_proxy_url"}}) {
            ApiException e = rejected(c[0]);
            assertEquals("invalid_field", e.code(), c[0]);
            assertEquals(c[1], ((Map<?, ?>) e.details()).get("field"), c[0]);
        }
    }

    @Test
    void badNamespacesAreInvalid() {
        for (String ns : new String[] {"Team", "team_a", "-team", "team-", "a".repeat(64), "team.a"}) {
            assertEquals("invalid_field", rejected("{\"namespace\":\"" + ns + "\"}").code(), ns);
        }
        assertEquals("team-a", apply(ClusterSettings.empty(), "{\"namespace\":\" team-a \"}").namespace());
        assertEquals("a".repeat(63), apply(ClusterSettings.empty(), "{\"namespace\":\"" + "a".repeat(63) + "\"}").namespace());
    }

    @Test
    void badUrlsAreInvalid() {
        for (String field : new String[] {"api_proxy_url", "ingress_auth_url", "ingress_auth_signin", "ts_login_server"}) {
            for (String url : new String[] {"ftp://host", "localhost:8001", "http://", "not a url", "/relative"}) {
                assertEquals("invalid_field", rejected("{\"" + field + "\":\"" + url + "\"}").code(), field + "=" + url);
            }
            assertEquals("https://h.example:8443/x", apply(ClusterSettings.empty(), "{\"" + field + "\":\"https://h.example:8443/x\"}").string(field));
        }
    }

    @Test
    void emptyStringsClearValidatedFields() {
        ClusterSettings s = apply(ClusterSettings.empty(), "{\"api_proxy_url\":\"http://127.0.0.1:8001\",\"namespace\":\"ns\"}");
        changed.clear();

        ClusterSettings cleared = apply(s, "{\"api_proxy_url\":\"\",\"namespace\":\"\"}");

        assertEquals("", cleared.string("api_proxy_url"));
        assertEquals("default", cleared.namespace());
        assertEquals(Set.of("api_proxy_url", "namespace"), changed);
    }

    @Test
    void overlongFreeTextIsInvalid() {
        assertEquals("invalid_field", rejected("{\"ingress_domain\":\"" + "x".repeat(1025) + "\"}").code());
    }

    @Test
    void storedBooleansAreReadLeniently() {
        ClusterSettings s = ClusterSettings.fromStored(json("""
                {"prefer_pod_proxy":"true","use_port_forward":"1","workspace_lb_enabled":1,
                 "api_proxy_force_http":" YES ","disable_api_proxy":"no"}"""));

        assertTrue(s.bool("prefer_pod_proxy"));
        assertTrue(s.bool("use_port_forward"));
        assertTrue(s.bool("workspace_lb_enabled"));
        assertTrue(s.bool("api_proxy_force_http"));
        assertFalse(s.bool("disable_api_proxy"));

        ClusterSettings f = ClusterSettings.fromStored(json("{\"prefer_pod_proxy\":\"0\",\"use_port_forward\":0,\"workspace_lb_enabled\":null,\"disable_api_proxy\":false}"));
        assertFalse(f.bool("prefer_pod_proxy"));
        assertFalse(f.bool("use_port_forward"));
        assertFalse(f.bool("workspace_lb_enabled"));
        assertFalse(f.bool("disable_api_proxy"));
    }

    @Test
    void storedUnknownFieldsAndSecretsAreDropped() {
        ClusterSettings s = ClusterSettings.fromStored(json("{\"namespace\":\"ns\",\"legacy\":\"x\",\"ts_client_auth\":\"leaked\",\"ingress_domain\":7}"));

        assertEquals(Set.of("namespace"), s.stored().keySet());
    }

    @Test
    void clientAuthKeyIsWriteOnly() {
        ClusterSettings s = apply(ClusterSettings.empty(), "{\"ts_client_auth\":\"  tskey-abc  \"}");
        assertEquals("tskey-abc", secret[0]);
        assertEquals(Set.of("ts_client_auth"), changed);
        assertFalse(s.stored().containsKey("ts_client_auth"), "never part of the stored settings");
        assertFalse(s.stored().toString().contains("tskey-abc"));

        changed.clear();
        secret[0] = null;
        apply(s, "{\"ts_client_auth\":\"***\"}");
        assertNull(secret[0], "*** keeps the stored key");
        assertEquals(Set.of(), changed);

        apply(s, "{\"ts_client_auth\":\"\"}");
        assertEquals("", secret[0], "an empty value clears the key");
        assertEquals(Set.of("ts_client_auth"), changed);
    }

    @Test
    void viewRedactsTheClientAuthKeyAndShowsEveryField() {
        ClusterSettings s = apply(ClusterSettings.empty(), "{\"namespace\":\"ns\",\"ts_client_auth\":\"tskey-abc\"}");

        JsonObject set = s.view(true);
        JsonObject unset = s.view(false);

        assertEquals("***", set.getString("ts_client_auth"));
        assertTrue(set.getBoolean("ts_client_auth_set"));
        assertEquals("", unset.getString("ts_client_auth"));
        assertFalse(unset.getBoolean("ts_client_auth_set"));
        assertFalse(set.toString().contains("tskey-abc"));
        assertEquals("ns", set.getString("namespace"));
        assertFalse(set.getBoolean("prefer_pod_proxy"));
        assertEquals(Set.copyOf(ClusterSettings.allowed()), Set.copyOf(set.keySet().stream().filter(k -> !k.endsWith("_set")).toList()));
    }

    @Test
    void postingTheViewBackChangesNothing() {
        ClusterSettings s = apply(ClusterSettings.empty(), "{\"namespace\":\"ns\",\"prefer_pod_proxy\":true,\"ts_client_auth\":\"k\"}");
        changed.clear();
        secret[0] = null;

        ClusterSettings again = s.apply(s.view(true), changed, secret);

        assertEquals(Set.of(), changed);
        assertNull(secret[0]);
        assertEquals("ns", again.namespace());
        assertTrue(again.bool("prefer_pod_proxy"));
    }

    @Test
    void changedHoldsOnlyFieldsWhoseValueChanged() {
        ClusterSettings base = apply(ClusterSettings.empty(), "{\"namespace\":\"ns\",\"prefer_pod_proxy\":true,\"ingress_domain\":\"a.example\"}");
        assertEquals(Set.of("namespace", "prefer_pod_proxy", "ingress_domain"), changed);
        changed.clear();

        ClusterSettings next = apply(base, """
                {"namespace":" ns ","prefer_pod_proxy":true,"ingress_domain":"b.example","use_port_forward":false,"disable_api_proxy":true}""");

        assertEquals(Set.of("ingress_domain", "disable_api_proxy"), changed);
        assertEquals("b.example", next.string("ingress_domain"));
        assertEquals("a.example", base.string("ingress_domain"), "apply returns new settings, the old ones are unchanged");
    }

    @Test
    void clientFieldsAreTheOnesThatNeedANewClient() {
        assertTrue(ClusterSettings.CLIENT_FIELDS.containsAll(Set.of("api_proxy_url", "api_proxy_force_http", "disable_api_proxy")));
        assertFalse(ClusterSettings.CLIENT_FIELDS.contains("namespace"));
        assertFalse(ClusterSettings.CLIENT_FIELDS.contains("workspace_lb_enabled"));
    }

    @Test
    void rdbSettingsAndTheWriteOnlyPassword() {
        String[] pass = {null};
        ClusterSettings s = ClusterSettings.empty().apply(json("{\"rdb_addr\":\"10.0.0.5:28015\",\"rdb_user\":\"app\",\"rdb_pass\":\" p w \"}"),
                changed, secret, pass);
        assertEquals("10.0.0.5:28015", s.string("rdb_addr"));
        assertEquals(" p w ", pass[0], "passwords are not trimmed");
        assertTrue(changed.contains("rdb_pass"));
        assertEquals("***", s.view(false, true).getString("rdb_pass"));
        assertTrue(s.view(false, true).getBoolean("rdb_pass_set"));
        assertFalse(s.stored().toString().contains("p w"), "the password is not part of the stored settings");
        pass[0] = null;
        s.apply(s.view(false, true), changed, secret, pass);
        assertNull(pass[0], "*** keeps the stored password");
        ApiException e = assertThrows(ApiException.class, () -> ClusterSettings.empty().apply(json("{\"rdb_addr\":\"not an address\"}"), changed, secret, pass));
        assertEquals("invalid_field", e.code());
    }
}
