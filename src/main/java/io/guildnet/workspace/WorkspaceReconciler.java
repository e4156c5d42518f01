package io.guildnet.workspace;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Set;
import java.util.stream.Collectors;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.guildnet.workspace.model.Workspace;
import io.guildnet.workspace.model.WorkspaceStatus;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The Workspace controller (Java Operator SDK): applies the desired objects and patches
 * a truthful status. Re-runs when the Workspace or its Deployment changes, and after a
 * delay while the workspace is starting; errors requeue with JOSDK's backoff.
 */
public class WorkspaceReconciler implements Reconciler<Workspace> {

    private static final Logger LOG = Logger.getLogger(WorkspaceReconciler.class.getName());

    private final KubernetesClient client;
    private final WorkspaceApplier applier;
    private final Supplier<WorkspaceDefaults> defaults;

    public WorkspaceReconciler(KubernetesClient client, WorkspaceApplier applier, Supplier<WorkspaceDefaults> defaults) {
        this.client = client;
        this.applier = applier;
        this.defaults = defaults;
    }

    /** The cluster-settings ConfigMap the Host App writes (watched, not polled). */
    public static final String SETTINGS_CONFIGMAP = "guildnet-cluster-settings";

    static java.util.Optional<Boolean> lbDefault(ConfigMap cm) {
        if (cm == null || cm.getData() == null || !cm.getData().containsKey("workspace_lb_enabled")) return java.util.Optional.empty();
        return java.util.Optional.of("true".equalsIgnoreCase(cm.getData().get("workspace_lb_enabled").trim()));
    }

    /** Host settings, with the LoadBalancer default taken from the ConfigMap when it has one (what an in-cluster operator sees too). */
    WorkspaceDefaults effectiveDefaults(Context<Workspace> ctx) {
        WorkspaceDefaults d = defaults.get();
        java.util.Optional<Boolean> lb = ctx == null ? java.util.Optional.empty()
                : ctx.getSecondaryResource(ConfigMap.class).flatMap(WorkspaceReconciler::lbDefault);
        if (lb.isEmpty() || lb.get() == d.loadBalancer()) return d;
        return new WorkspaceDefaults(lb.get(), d.metallbPool(), d.ingressDomain(), d.ingressClass(), d.tlsIssuer(), d.tlsSecret(),
                d.authURL(), d.authSignin(), d.imagePullSecret());
    }

    @Override
    public UpdateControl<Workspace> reconcile(Workspace ws, Context<Workspace> ctx) {
        WorkspaceApplier.Outcome o = applier.apply(client, ws, effectiveDefaults(ctx));
        ws.setStatus(o.status());
        return UpdateControl.patchStatus(ws).rescheduleAfter(o.recheckAfter());
    }

    @Override
    public ErrorStatusUpdateControl<Workspace> updateErrorStatus(Workspace ws, Context<Workspace> ctx, Exception e) {
        LOG.warning("workspace " + ws.getMetadata().getNamespace() + "/" + ws.getMetadata().getName() + ": reconcile failed: " + e);
        WorkspaceStatus s = ws.getStatus() == null ? new WorkspaceStatus() : ws.getStatus();
        s.setLastError("reconcile failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        if (s.getPhase() == null) s.setPhase("Pending");
        ws.setStatus(s);
        return ErrorStatusUpdateControl.patchStatus(ws);
    }

    @Override
    public List<EventSource<?, Workspace>> prepareEventSources(EventSourceContext<Workspace> ctx) {
        var deployments = InformerEventSourceConfiguration.from(Deployment.class, Workspace.class).withName("deployments")
                .withLabelSelector(DesiredState.MANAGED_BY + "=guildnet").build();
        ResourceID settingsId = new ResourceID(SETTINGS_CONFIGMAP, CrdInstaller.SYSTEM_NAMESPACE);
        // Every workspace depends on the settings ConfigMap; re-reconcile them all only when the effective default changes.
        var settings = InformerEventSourceConfiguration.from(ConfigMap.class, Workspace.class).withName("cluster-settings")
                .withNamespaces(CrdInstaller.SYSTEM_NAMESPACE)
                .withGenericFilter(cm -> SETTINGS_CONFIGMAP.equals(cm.getMetadata().getName()))
                .withOnUpdateFilter((now, before) -> !lbDefault(now).equals(lbDefault(before)))
                .withSecondaryToPrimaryMapper(cm -> ctx.getPrimaryCache().list().map(ResourceID::fromResource).collect(Collectors.toSet()))
                .withPrimaryToSecondaryMapper(primary -> Set.of(settingsId))
                .build();
        return List.of(new InformerEventSource<>(deployments, ctx), new InformerEventSource<>(settings, ctx));
    }
}
