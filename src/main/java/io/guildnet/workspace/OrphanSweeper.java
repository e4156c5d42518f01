package io.guildnet.workspace;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.guildnet.workspace.model.Workspace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Removes Deployments, Services, Secrets and Ingresses that GuildNet created for a Workspace
 * that no longer exists (or was re-created under the same name with a new uid). Owner
 * references normally let Kubernetes collect them; this catches what they miss (objects
 * whose owner reference was stripped, a garbage collector that is behind, restores).
 */
public final class OrphanSweeper {

    private static final Logger LOG = Logger.getLogger(OrphanSweeper.class.getName());

    private OrphanSweeper() {}

    /** @return the objects deleted, as "Kind namespace/name" */
    /** Objects younger than this are left alone: their Workspace may have been created after the list was taken. */
    static final java.time.Duration MIN_AGE = java.time.Duration.ofMinutes(2);

    public static List<String> sweep(KubernetesClient c) {
        return sweep(c, java.time.Instant.now().minus(MIN_AGE));
    }

    static List<String> sweep(KubernetesClient c, java.time.Instant createdBefore) {
        Map<String, String> uids = new HashMap<>();
        for (Workspace ws : c.resources(Workspace.class).inAnyNamespace().list().getItems()) {
            uids.put(ws.getMetadata().getNamespace() + "/" + ws.getMetadata().getName(), ws.getMetadata().getUid());
        }
        String selector = DesiredState.MANAGED_BY + "=guildnet";
        List<HasMetadata> owned = new ArrayList<>();
        owned.addAll(c.apps().deployments().inAnyNamespace().withLabel(DesiredState.MANAGED_BY, "guildnet").list().getItems());
        owned.addAll(c.services().inAnyNamespace().withLabel(DesiredState.MANAGED_BY, "guildnet").list().getItems());
        owned.addAll(c.secrets().inAnyNamespace().withLabel(DesiredState.MANAGED_BY, "guildnet").list().getItems());
        owned.addAll(c.network().v1().ingresses().inAnyNamespace().withLabel(DesiredState.MANAGED_BY, "guildnet").list().getItems());
        List<String> deleted = new ArrayList<>();
        for (HasMetadata o : owned) {
            String ws = o.getMetadata().getLabels() == null ? null : o.getMetadata().getLabels().get(DesiredState.WORKSPACE_LABEL);
            if (ws == null) continue;
            var created = StatusCalculator.parse(o.getMetadata().getCreationTimestamp());
            if (created.isPresent() && created.get().isAfter(createdBefore)) continue;
            String uid = uids.get(o.getMetadata().getNamespace() + "/" + ws);
            String ownerUid = o.getMetadata().getOwnerReferences() == null ? null : o.getMetadata().getOwnerReferences().stream()
                    .filter(r -> "Workspace".equals(r.getKind())).map(OwnerReference::getUid).findFirst().orElse(null);
            boolean orphan = uid == null || (ownerUid != null && !ownerUid.equals(uid));
            if (!orphan) continue;
            c.resource(o).delete();
            deleted.add(o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName());
        }
        if (!deleted.isEmpty()) LOG.info("removed " + deleted.size() + " orphaned object(s) (selector " + selector + "): " + deleted);
        return deleted;
    }
}
