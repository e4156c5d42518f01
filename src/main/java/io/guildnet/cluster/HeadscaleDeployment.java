package io.guildnet.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.guildnet.api.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Operates a managed Headscale ({@code k8s/headscale.yaml}, shipped as {@code META-INF/k8s/headscale.yaml})
 * in one namespace of a cluster: start (create the namespace if needed, create-or-update ConfigMap,
 * PVC [created once, never updated], Deployment with replicas 1 and Service), stop (replicas 0),
 * destroy (delete Deployment, Service, ConfigMap; the PVC only when asked). Plain class: tests run
 * it against kubernetes-server-mock.
 */
public final class HeadscaleDeployment {

    public static final String MANIFEST = "META-INF/k8s/headscale.yaml";
    public static final String NAME = "headscale";

    /** What a start/stop/destroy did, for the API answer and the audit trail. */
    public record Outcome(String state, List<String> applied, List<String> deleted) {}

    private final KubernetesClient client;
    private final String namespace;

    public HeadscaleDeployment(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    static List<HasMetadata> manifests(KubernetesClient client) {
        try (InputStream in = HeadscaleDeployment.class.getClassLoader().getResourceAsStream(MANIFEST)) {
            if (in == null) throw new IOException(MANIFEST + " is missing from the application");
            return client.load(in).items();
        } catch (IOException e) {
            throw new ApiException(500, "manifest_missing", e.getMessage());
        }
    }

    /** Applies the manifests with replicas 1; {@code serverUrl} (the record's endpoint) replaces config.yaml's server_url. */
    public Outcome start(String serverUrl) {
        List<String> applied = new ArrayList<>();
        return k8s("start", () -> {
            if (client.namespaces().withName(namespace).get() == null) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                        .addToLabels("app.kubernetes.io/part-of", "guildnet").endMetadata().build()).create();
                applied.add("Namespace/" + namespace);
            }
            for (HasMetadata m : manifests(client)) {
                m.getMetadata().setNamespace(namespace);
                if (m instanceof PersistentVolumeClaim pvc) {
                    // a bound claim's spec is immutable: create it once, keep it afterwards
                    if (client.persistentVolumeClaims().inNamespace(namespace).withName(pvc.getMetadata().getName()).get() == null) {
                        client.persistentVolumeClaims().inNamespace(namespace).resource(pvc).create();
                    }
                } else {
                    if (m instanceof ConfigMap cm && serverUrl != null && !serverUrl.isBlank()) {
                        cm.getData().computeIfPresent("config.yaml", (k, v) -> v.replaceFirst("(?m)^server_url: .*$",
                                java.util.regex.Matcher.quoteReplacement("server_url: " + serverUrl)));
                    }
                    if (m instanceof Deployment d) d.getSpec().setReplicas(1);
                    client.resource(m).inNamespace(namespace).createOr(existing -> existing.update());
                }
                applied.add(m.getKind() + "/" + m.getMetadata().getName());
            }
            return new Outcome("running", applied, List.of());
        });
    }

    /** Scales the Deployment to 0 (the data stays); 409 {@code headscale_not_deployed} when there is none. */
    public Outcome stop() {
        return k8s("stop", () -> {
            var d = client.apps().deployments().inNamespace(namespace).withName(NAME);
            if (d.get() == null) throw notDeployed();
            d.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":0}}");
            return new Outcome("stopped", List.of("Deployment/" + NAME + " replicas=0"), List.of());
        });
    }

    /** Deletes Deployment, Service and ConfigMap; the PVC (Headscale's database and keys) only with {@code deleteData}. */
    public Outcome destroy(boolean deleteData) {
        return k8s("destroy", () -> {
            List<String> deleted = new ArrayList<>();
            for (HasMetadata m : manifests(client)) {
                if (m instanceof PersistentVolumeClaim && !deleteData) continue;
                m.getMetadata().setNamespace(namespace);
                if (!client.resource(m).inNamespace(namespace).delete().isEmpty()) deleted.add(m.getKind() + "/" + m.getMetadata().getName());
            }
            return new Outcome("destroyed", List.of(), deleted);
        });
    }

    private ApiException notDeployed() {
        return new ApiException(409, "headscale_not_deployed", "no Deployment " + NAME + " in namespace " + namespace + ": start it first");
    }

    private <T> T k8s(String what, java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (KubernetesClientException e) {
            throw new ApiException(502, "k8s_error", "Headscale " + what + " in namespace " + namespace + " failed: "
                    + (e.getCode() > 0 ? e.getCode() + " " : "") + e.getMessage());
        }
    }
}
