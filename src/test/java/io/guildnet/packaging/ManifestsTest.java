package io.guildnet.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every k8s/*.yaml loads as typed Kubernetes objects; the Host App's own manifest and the Containerfile agree. */
class ManifestsTest {

    static KubernetesClient client;

    @BeforeAll
    static void client() {
        // load() parses locally; this client never connects anywhere
        client = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:1").build()).build();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    static List<HasMetadata> load(Path f) throws Exception {
        try (InputStream in = Files.newInputStream(f)) {
            return client.load(in).items();
        }
    }

    @Test
    void everyManifestLoadsAsKnownNamedKinds() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("k8s"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 3, "operator, rethinkdb, hostapp: " + files);
        for (Path f : files) {
            List<HasMetadata> items = load(f);
            assertFalse(items.isEmpty(), f + " is empty");
            for (HasMetadata m : items) {
                assertFalse(m instanceof GenericKubernetesResource, f + ": unknown kind " + m.getKind());
                assertNotNull(m.getMetadata().getName(), f + ": a " + m.getKind() + " without a name");
            }
        }
    }

    @Test
    void hostAppDeploymentProbesSecurityAndRbac() throws Exception {
        List<HasMetadata> items = load(Path.of("k8s/hostapp.yaml"));
        Deployment d = one(items, Deployment.class);
        assertEquals(1, d.getSpec().getReplicas(), "one writer of GUILDNET_HOME");
        assertEquals("Recreate", d.getSpec().getStrategy().getType());
        var pod = d.getSpec().getTemplate().getSpec();
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        Container c = pod.getContainers().get(0);
        assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        probe(c.getStartupProbe(), "/health/started");
        probe(c.getReadinessProbe(), "/health/ready");
        probe(c.getLivenessProbe(), "/health/live");
        assertEquals(9443, c.getPorts().get(0).getContainerPort());
        Map<String, String> env = new java.util.HashMap<>();
        c.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
        assertEquals("0.0.0.0:9443", env.get("LISTEN_LOCAL"));
        assertEquals("/var/lib/guildnet", env.get("GUILDNET_HOME"));
        assertEquals(env.get("GUILDNET_HOME"), c.getVolumeMounts().get(0).getMountPath(), "GUILDNET_HOME on the volume");
        assertNotNull(pod.getVolumes().get(0).getPersistentVolumeClaim());

        ServiceAccount sa = one(items, ServiceAccount.class);
        assertEquals(sa.getMetadata().getName(), pod.getServiceAccountName());
        ClusterRoleBinding crb = one(items, ClusterRoleBinding.class);
        assertEquals(sa.getMetadata().getName(), crb.getSubjects().get(0).getName());
        ClusterRole role = one(items, ClusterRole.class);
        assertEquals(role.getMetadata().getName(), crb.getRoleRef().getName());
        for (String[] need : new String[][] {{"apiextensions.k8s.io", "customresourcedefinitions", "create"},
                {"guildnet.io", "workspaces", "watch"}, {"apps", "deployments", "create"}, {"", "pods/log", "get"},
                {"", "pods/portforward", "create"}, {"", "services/proxy", "get"}, {"authorization.k8s.io", "selfsubjectaccessreviews", "create"}}) {
            assertTrue(allows(role.getRules(), need[0], need[1], need[2]), "the ClusterRole allows " + String.join(" ", need));
        }
        Service svc = one(items, Service.class);
        assertEquals(d.getSpec().getSelector().getMatchLabels(), svc.getSpec().getSelector());
    }

    @Test
    void containerfileMatchesTheManifest() throws Exception {
        String cf = Files.readString(Path.of("Containerfile"));
        assertTrue(cf.contains("FROM icr.io/appcafe/open-liberty:26.0.0.3"), "Open Liberty base of the version the build uses");
        assertTrue(cf.contains("LISTEN_LOCAL=0.0.0.0:9443") && cf.contains("EXPOSE 9443"));
        assertTrue(cf.contains("VOLUME [\"/var/lib/guildnet\"]") && cf.contains("GUILDNET_HOME=/var/lib/guildnet"));
        assertTrue(cf.lines().anyMatch(l -> l.equals("USER 1001")), "runs as non-root");
        List<String> missing = new ArrayList<>();
        cf.lines().filter(l -> l.startsWith("COPY")).forEach(l -> {
            String[] parts = l.trim().split("\\s+");
            String src = parts[parts.length - 2];
            if (!src.startsWith("target/") && !Files.exists(Path.of(src))) missing.add(src);
        });
        assertTrue(missing.isEmpty(), "COPY sources missing: " + missing);
        assertTrue(Files.isExecutable(Path.of("scripts/container/entrypoint.sh")));
    }

    static void probe(Probe p, String path) {
        assertNotNull(p, path);
        assertEquals(path, p.getHttpGet().getPath());
        assertEquals("HTTPS", p.getHttpGet().getScheme());
    }

    static boolean allows(List<PolicyRule> rules, String group, String resource, String verb) {
        return rules.stream().anyMatch(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource)
                && (r.getVerbs().contains(verb) || r.getVerbs().contains("*")));
    }

    static <T> T one(List<HasMetadata> items, Class<T> type) {
        List<T> l = items.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, l.size(), "one " + type.getSimpleName());
        return l.get(0);
    }
}
