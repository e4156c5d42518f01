package io.guildnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.api.ApiException;
import org.junit.jupiter.api.Test;

class KubeconfigsTest {

    private static String config(String server, String currentContext, String contextName, String clusterRef) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: prod
                  cluster:
                %s
                contexts:
                - name: %s
                  context:
                    cluster: %s
                    user: admin
                %s
                users:
                - name: admin
                  user:
                    token: abc
                """.formatted(server == null ? "    insecure-skip-tls-verify: true" : "    server: " + server,
                contextName, clusterRef, currentContext == null ? "" : "current-context: " + currentContext);
    }

    private static ApiException rejected(String yaml) {
        ApiException e = assertThrows(ApiException.class, () -> Kubeconfigs.validate(yaml));
        assertEquals(400, e.status());
        return e;
    }

    @Test
    void validKubeconfigSummarisesContextClusterAndServer() {
        Kubeconfigs.Summary s = Kubeconfigs.validate(config("https://10.0.0.1:6443", "admin@prod", "admin@prod", "prod"));

        assertEquals("admin@prod", s.context());
        assertEquals("prod", s.cluster());
        assertEquals("https://10.0.0.1:6443", s.server());
    }

    @Test
    void plainHttpServersAreAccepted() {
        assertEquals("http://127.0.0.1:8001", Kubeconfigs.validate(config("http://127.0.0.1:8001", "c", "c", "prod")).server());
    }

    @Test
    void emptyKubeconfigIsMissing() {
        for (String empty : new String[] {null, "", "   \n\t"}) {
            assertEquals("missing_kubeconfig", rejected(empty).code());
        }
    }

    @Test
    void somethingThatIsNotAKubeconfigDocumentIsBad() {
        for (String notYaml : new String[] {"clusters: [unclosed", "just a sentence", "- a\n- b\n", "{"}) {
            ApiException e = rejected(notYaml);
            assertEquals("bad_kubeconfig", e.code(), notYaml);
            assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
        }
    }

    @Test
    void missingCurrentContextIsBadAndSaysSo() {
        ApiException e = rejected(config("https://10.0.0.1:6443", null, "admin@prod", "prod"));

        assertEquals("bad_kubeconfig", e.code());
        assertTrue(e.getMessage().contains("current-context"), e.getMessage());
    }

    @Test
    void currentContextNamingAMissingContextIsBad() {
        ApiException e = rejected(config("https://10.0.0.1:6443", "staging", "admin@prod", "prod"));

        assertEquals("bad_kubeconfig", e.code());
        assertTrue(e.getMessage().contains("'staging'") && e.getMessage().contains("not defined"), e.getMessage());
    }

    @Test
    void clusterWithoutServerIsBad() {
        ApiException e = rejected(config(null, "c", "c", "prod"));

        assertEquals("bad_kubeconfig", e.code());
        assertTrue(e.getMessage().contains("no server URL"), e.getMessage());
    }

    @Test
    void contextNamingAMissingClusterIsBad() {
        ApiException e = rejected(config("https://10.0.0.1:6443", "c", "c", "elsewhere"));

        assertEquals("bad_kubeconfig", e.code());
        assertTrue(e.getMessage().contains("'elsewhere'"), e.getMessage());
    }

    @Test
    void nonHttpServerUrlsAreBad() {
        for (String server : new String[] {"ftp://10.0.0.1", "10.0.0.1:6443", "unix:///var/run/k8s.sock", "https://"}) {
            ApiException e = rejected(config(server, "c", "c", "prod"));
            assertEquals("bad_kubeconfig", e.code(), server);
            assertTrue(e.getMessage().contains("not an http(s) URL"), server + ": " + e.getMessage());
        }
    }

    @Test
    void theExceptionCarriesTheParserErrorAsDetails() {
        ApiException e = rejected("clusters: [unclosed");

        assertNotNull(e.details());
        assertTrue(String.valueOf(e.details()).contains("error"));
    }
}
