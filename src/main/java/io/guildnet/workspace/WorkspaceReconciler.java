package io.guildnet.workspace;

import io.fabric8.kubernetes.api.model.apps.Deployment;
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

    @Override
    public UpdateControl<Workspace> reconcile(Workspace ws, Context<Workspace> ctx) {
        WorkspaceApplier.Outcome o = applier.apply(client, ws, defaults.get());
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
        var config = InformerEventSourceConfiguration.from(Deployment.class, Workspace.class)
                .withLabelSelector(DesiredState.MANAGED_BY + "=guildnet").build();
        return List.of(new InformerEventSource<>(config, ctx));
    }
}
