package io.guildnet.workspace;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Applies the CRDs generated from the model (shipped in the war under META-INF/fabric8) to a cluster. */
public final class CrdInstaller {

    static final List<String> CRDS = List.of("META-INF/fabric8/workspaces.guildnet.io-v1.yml", "META-INF/fabric8/capabilities.guildnet.io-v1.yml");
    public static final String SYSTEM_NAMESPACE = "guildnet-system";

    private CrdInstaller() {}

    public static List<CustomResourceDefinition> load() throws IOException {
        List<CustomResourceDefinition> out = new java.util.ArrayList<>();
        for (String r : CRDS) {
            try (InputStream in = CrdInstaller.class.getClassLoader().getResourceAsStream(r)) {
                if (in == null) throw new IOException("missing " + r + " (the build generates it from io.guildnet.workspace.model)");
                out.add(new io.fabric8.kubernetes.client.utils.KubernetesSerialization().unmarshal(in, CustomResourceDefinition.class));
            }
        }
        return out;
    }

    /** Creates or updates the CRDs and the guildnet-system namespace (for the leader-election lease). */
    public static void ensure(KubernetesClient c) throws IOException {
        for (CustomResourceDefinition crd : load()) {
            crd.getMetadata().setResourceVersion(null);
            c.apiextensions().v1().customResourceDefinitions().resource(crd).createOr(NonDeletingOperation::update);
        }
        if (c.namespaces().withName(SYSTEM_NAMESPACE).get() == null) {
            c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(SYSTEM_NAMESPACE).endMetadata().build())
                    .createOr(NonDeletingOperation::update);
        }
    }
}
