package io.guildnet.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** k8s/operator.yaml: parses, runs the image in operator mode, and grants what the operator uses — no more. */
class OperatorManifestTest {

    static List<HasMetadata> load() throws Exception {
        Object o = new KubernetesSerialization().unmarshal(Files.newInputStream(Path.of("k8s/operator.yaml")));
        if (o instanceof KubernetesList l) return l.getItems();
        @SuppressWarnings("unchecked")
        List<HasMetadata> list = (List<HasMetadata>) o;
        return list;
    }

    static boolean allows(List<PolicyRule> rules, String group, String resource, String verb) {
        return rules.stream().anyMatch(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource)
                && (r.getVerbs().contains(verb) || r.getVerbs().contains("*")));
    }

    @Test
    void grantsExactlyWhatTheOperatorNeeds() throws Exception {
        List<HasMetadata> items = load();
        Map<String, Long> kinds = items.stream().collect(Collectors.groupingBy(HasMetadata::getKind, Collectors.counting()));
        for (String k : List.of("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Deployment")) {
            assertEquals(1L, kinds.getOrDefault(k, 0L), k);
        }
        ClusterRole cr = (ClusterRole) items.stream().filter(i -> i instanceof ClusterRole).findFirst().orElseThrow();
        List<PolicyRule> r = cr.getRules();
        for (String v : List.of("get", "list", "watch", "patch")) assertTrue(allows(r, "guildnet.io", "workspaces", v), v);
        assertTrue(allows(r, "guildnet.io", "workspaces/status", "patch"));
        assertTrue(allows(r, "guildnet.io", "capabilities", "list"));
        for (String res : List.of("services", "secrets")) {
            for (String v : List.of("get", "create", "update", "delete")) assertTrue(allows(r, "", res, v), res + " " + v);
        }
        assertTrue(allows(r, "apps", "deployments", "create") && allows(r, "networking.k8s.io", "ingresses", "delete"));
        assertTrue(allows(r, "", "pods", "watch") && allows(r, "", "events", "list") && allows(r, "", "pods/log", "get"));
        assertTrue(allows(r, "authorization.k8s.io", "selfsubjectrulesreviews", "create"));
        // least privilege: no wildcards, no CRD writes, no cluster-wide leases or configmaps
        assertTrue(r.stream().noneMatch(x -> x.getVerbs().contains("*") || x.getResources().contains("*")));
        assertTrue(!allows(r, "apiextensions.k8s.io", "customresourcedefinitions", "create"));
        assertTrue(!allows(r, "coordination.k8s.io", "leases", "create") && !allows(r, "", "configmaps", "get"));
        Role role = (Role) items.stream().filter(i -> i instanceof Role).findFirst().orElseThrow();
        assertEquals("guildnet-system", role.getMetadata().getNamespace());
        assertTrue(allows(role.getRules(), "coordination.k8s.io", "leases", "update") && allows(role.getRules(), "", "configmaps", "watch"));

        Deployment d = (Deployment) items.stream().filter(i -> i instanceof Deployment).findFirst().orElseThrow();
        var env = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(e -> e.getName(), e -> e.getValue()));
        assertEquals("operator", env.get("GUILDNET_MODE"));
        assertEquals("0", env.get("GN_ENSURE_CRDS"), "CRDs come from crds/, the operator may not write them");
        assertEquals("guildnet-operator", d.getSpec().getTemplate().getSpec().getServiceAccountName());
        assertTrue(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot());
    }
}
