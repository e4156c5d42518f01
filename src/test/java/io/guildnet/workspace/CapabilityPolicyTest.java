package io.guildnet.workspace;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.guildnet.api.ApiException;
import io.guildnet.workspace.CapabilityPolicy.Request;
import io.guildnet.workspace.model.Capability;
import io.guildnet.workspace.model.CapabilitySpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CapabilityPolicyTest {

    static Capability cap(String name, List<String> actions, Map<String, String> selector, List<String> images,
                          List<Integer> ports, Integer max) {
        Capability c = new Capability();
        c.setMetadata(new ObjectMetaBuilder().withName(name).build());
        CapabilitySpec s = new CapabilitySpec();
        s.setActions(actions);
        if (selector != null) s.setSelector(new LabelSelectorBuilder().withMatchLabels(selector).build());
        s.setAllowedImages(images);
        s.setAllowedPorts(ports);
        s.setMaxConcurrent(max);
        c.setSpec(s);
        return c;
    }

    static Request launch(String image, Map<String, String> labels, List<Integer> ports, List<Map<String, String>> existing) {
        return new Request("launch", labels, image, ports, existing);
    }

    static Map<String, Object> details(ApiException e) {
        @SuppressWarnings("unchecked")
        Map<String, Object> d = (Map<String, Object>) e.details();
        return d;
    }

    @Test
    void noCapabilitiesMeansAllowAll() {
        assertDoesNotThrow(() -> CapabilityPolicy.check(List.of(), launch("anything:latest", Map.of(), List.of(1), List.of())));
    }

    @Test
    void anActionNoCapabilityListsIsForbidden() {
        var caps = List.of(cap("launchers", List.of("launch"), null, List.of(), List.of(), null));
        ApiException e = assertThrows(ApiException.class, () -> CapabilityPolicy.check(caps, Request.of("delete", Map.of())));
        assertEquals(403, e.status());
        assertEquals("forbidden", e.code());
        assertEquals("delete", details(e).get("action"));
        assertTrue(details(e).get("rule").toString().contains("no Capability allows delete"));
    }

    @Test
    void imageGlobsMatchTheReferenceOrTheRepository() {
        var caps = List.of(cap("ide-only", List.of("launch"), null, List.of("codercom/code-server*"), List.of(), null));
        assertDoesNotThrow(() -> CapabilityPolicy.check(caps, launch("codercom/code-server:4.90.3", Map.of(), List.of(8080), List.of())));
        assertDoesNotThrow(() -> CapabilityPolicy.check(caps, launch("docker.io/codercom/code-server:4.90.3", Map.of(), List.of(8080), List.of())));
        ApiException e = assertThrows(ApiException.class, () -> CapabilityPolicy.check(caps, launch("nginx:1.27", Map.of(), List.of(80), List.of())));
        assertEquals("ide-only", details(e).get("capability"));
        assertTrue(details(e).get("rule").toString().contains("allowedImages"));
    }

    @Test
    void portsAndConcurrencyAreLimited() {
        var caps = List.of(cap("small", List.of("launch"), Map.of("team", "a"), List.of(), List.of(8080), 2));
        Map<String, String> a = Map.of("team", "a");
        assertDoesNotThrow(() -> CapabilityPolicy.check(caps, launch("x", a, List.of(8080), List.of(a, Map.of("team", "b")))));
        assertTrue(details(assertThrows(ApiException.class, () -> CapabilityPolicy.check(caps, launch("x", a, List.of(22), List.of()))))
                .get("rule").toString().contains("port 22"));
        assertTrue(details(assertThrows(ApiException.class, () -> CapabilityPolicy.check(caps, launch("x", a, List.of(8080), List.of(a, a)))))
                .get("rule").toString().contains("maxConcurrent 2"));
    }

    @Test
    void selectorsDecideWhichWorkspacesACapabilityCovers() {
        var caps = List.of(cap("team-a", List.of("delete", "readLogs"), Map.of("team", "a"), List.of(), List.of(), null));
        assertDoesNotThrow(() -> CapabilityPolicy.check(caps, Request.of("delete", Map.of("team", "a", "x", "y"))));
        ApiException e = assertThrows(ApiException.class, () -> CapabilityPolicy.check(caps, Request.of("delete", Map.of("team", "b"))));
        assertEquals("labels do not match the selector", details(e).get("rule"));
        assertDoesNotThrow(() -> CapabilityPolicy.check(List.of(cap("all", List.of("*"), null, List.of(), List.of(), null)),
                Request.of("stopAll", Map.of())));
    }

    @Test
    void anyAllowingCapabilityIsEnough() {
        var caps = List.of(cap("narrow", List.of("launch"), null, List.of("nginx*"), List.of(), null),
                cap("wide", List.of("launch"), null, List.of(), List.of(), null));
        assertDoesNotThrow(() -> CapabilityPolicy.check(caps, launch("busybox", Map.of(), List.of(1), List.of())));
    }

    @Test
    void matchExpressionsFollowKubernetesSemantics() {
        var sel = new LabelSelectorBuilder().addNewMatchExpression().withKey("env").withOperator("In").withValues("dev", "test").endMatchExpression()
                .addNewMatchExpression().withKey("frozen").withOperator("DoesNotExist").endMatchExpression().build();
        assertTrue(CapabilityPolicy.matches(sel, Map.of("env", "dev")));
        assertTrue(!CapabilityPolicy.matches(sel, Map.of("env", "prod")));
        assertTrue(!CapabilityPolicy.matches(sel, Map.of("env", "dev", "frozen", "yes")));
        assertTrue(CapabilityPolicy.matches(null, Map.of()));
    }
}
