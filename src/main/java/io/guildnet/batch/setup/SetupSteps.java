package io.guildnet.batch.setup;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.guildnet.batch.verify.Verifier;
import io.guildnet.cluster.ClusterService;
import io.guildnet.workspace.CrdInstaller;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The steps of guildnet-setup, in order (seed 002's layers). */
public final class SetupSteps {

    public static final String TAILNET_ABSENT = "tailnet provisioning is its own job: run tailnet-provision (anchor kind headscale.provision) for this cluster";

    private SetupSteps() {}

    public static List<SetupStep> all() {
        return List.of(new Prerequisites(), new Crds(), new Operator(), new RethinkDb(), new Settings(), new Tailnet(), new Verify());
    }

    public static List<String> names() {
        return all().stream().map(SetupStep::name).toList();
    }

    public static SetupStep byName(String name) {
        return all().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown setup step " + name));
    }

    /** API reachable, and the permissions setup needs (SelfSubjectAccessReview). */
    static final class Prerequisites implements SetupStep {
        static final List<String[]> NEEDED = List.of(
                new String[] {"create", "apiextensions.k8s.io", "customresourcedefinitions", ""},
                new String[] {"create", "", "namespaces", ""},
                new String[] {"create", "", "configmaps", CrdInstaller.SYSTEM_NAMESPACE},
                new String[] {"create", "guildnet.io", "workspaces", "ns"},
                new String[] {"update", "coordination.k8s.io", "leases", CrdInstaller.SYSTEM_NAMESPACE});

        @Override public String name() { return "prerequisites"; }

        @Override public String plan(SetupContext ctx) {
            return "check that the API server of cluster " + ctx.clusterId() + " answers /version and that this identity may "
                    + "create CRDs, namespaces, ConfigMaps, Workspaces and Leases (SelfSubjectAccessReview)";
        }

        @Override public Result apply(SetupContext ctx) throws Exception {
            var v = ctx.client().getKubernetesVersion();
            ctx.info(name(), "API server reachable: Kubernetes " + (v == null ? "?" : v.getGitVersion()));
            List<String> denied = new ArrayList<>();
            int unanswered = 0;
            for (String[] n : NEEDED) {
                String ns = "ns".equals(n[3]) ? ctx.namespace() : n[3].isEmpty() ? null : n[3];
                Boolean ok = Verifier.allowed(ctx.client(), n[0], n[1], n[2], ns);
                if (ok == null) unanswered++;
                else if (!ok) denied.add(n[0] + " " + n[2] + (ns == null ? "" : " in " + ns));
            }
            if (!denied.isEmpty()) throw new SetupFailure("missing permission(s): " + String.join("; ", denied), true);
            if (unanswered > 0) ctx.info(name(), unanswered + " access review(s) came back without a verdict; going on");
            return Result.unchanged("prerequisites met");
        }

        @Override public void rollback(SetupContext ctx, JsonObject undo) { }
    }

    /** The Workspace and Capability CRDs and the guildnet-system namespace. */
    static final class Crds implements SetupStep {
        @Override public String name() { return "crds"; }

        @Override public String plan(SetupContext ctx) {
            return "install the CRDs workspaces.guildnet.io and capabilities.guildnet.io and the namespace guildnet-system where missing";
        }

        @Override public Result apply(SetupContext ctx) throws Exception {
            KubernetesClient c = ctx.client();
            JsonArrayBuilder created = Json.createArrayBuilder();
            List<String> made = new ArrayList<>();
            for (CustomResourceDefinition crd : CrdInstaller.load()) {
                String n = crd.getMetadata().getName();
                if (c.apiextensions().v1().customResourceDefinitions().withName(n).get() != null) continue;
                crd.getMetadata().setResourceVersion(null);
                c.apiextensions().v1().customResourceDefinitions().resource(crd).create();
                created.add(n);
                made.add(n);
                ctx.info(name(), "created CRD " + n);
            }
            boolean ns = false;
            if (c.namespaces().withName(CrdInstaller.SYSTEM_NAMESPACE).get() == null) {
                c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(CrdInstaller.SYSTEM_NAMESPACE).endMetadata().build()).create();
                ns = true;
                ctx.info(name(), "created namespace " + CrdInstaller.SYSTEM_NAMESPACE);
            }
            if (made.isEmpty() && !ns) return Result.unchanged("CRDs and namespace already present");
            return Result.applied("created " + (made.isEmpty() ? "" : String.join(", ", made)) + (ns ? (made.isEmpty() ? "" : " and ") + "namespace " + CrdInstaller.SYSTEM_NAMESPACE : ""),
                    Json.createObjectBuilder().add("crds", created).add("namespace", ns).build());
        }

        @Override public void rollback(SetupContext ctx, JsonObject undo) {
            for (JsonValue v : undo.getJsonArray("crds")) {
                String n = ((JsonString) v).getString();
                ctx.client().apiextensions().v1().customResourceDefinitions().withName(n).delete();
                ctx.info(name(), "rollback: deleted CRD " + n);
            }
            if (undo.getBoolean("namespace", false)) {
                ctx.client().namespaces().withName(CrdInstaller.SYSTEM_NAMESPACE).delete();
                ctx.info(name(), "rollback: deleted namespace " + CrdInstaller.SYSTEM_NAMESPACE);
            }
        }
    }

    /** The embedded Workspace operator (or, with embedding off, the in-cluster one from k8s/operator.yaml). */
    static final class Operator implements SetupStep {
        @Override public String name() { return "operator"; }

        @Override public String plan(SetupContext ctx) {
            return ctx.operator().embeddingAllowed()
                    ? "start the embedded Workspace operator for cluster " + ctx.clusterId() + " unless it runs already"
                    : "check the in-cluster operator (embedding is off: GN_EMBED_OPERATOR / embed_operator)";
        }

        @Override public Result apply(SetupContext ctx) throws Exception {
            if (ctx.operator().embedded().isPresent()) return Result.unchanged("embedded operator already running (" + ctx.operator().embedded().get() + ")");
            if (!ctx.operator().embeddingAllowed()) {
                var d = ctx.client().apps().deployments().inNamespace(CrdInstaller.SYSTEM_NAMESPACE).withName("guildnet-operator").get();
                if (d == null) {
                    throw new SetupFailure("the operator is not embedded (GN_EMBED_OPERATOR/embed_operator is off) and there is no "
                            + "guildnet-system/guildnet-operator Deployment: kubectl apply -f k8s/operator.yaml", true);
                }
                return Result.unchanged("in-cluster operator Deployment present");
            }
            ctx.operator().start();
            var id = ctx.operator().embedded().orElseThrow(() -> new SetupFailure("the embedded operator did not start (see the Host App log)", false));
            return Result.applied("embedded operator started (" + id + ")", Json.createObjectBuilder().add("started", true).build());
        }

        @Override public void rollback(SetupContext ctx, JsonObject undo) {
            if (undo.getBoolean("started", false)) {
                ctx.operator().stop();
                ctx.info(name(), "rollback: stopped the embedded operator");
            }
        }
    }

    /** RethinkDB from k8s/rethinkdb.yaml, waited for until the database layer connects. */
    static final class RethinkDb implements SetupStep {
        @Override public String name() { return "rethinkdb"; }

        @Override public String plan(SetupContext ctx) {
            String why = absent(ctx);
            return why != null ? "skip RethinkDB: " + why
                    : "apply k8s/rethinkdb.yaml in namespace " + ctx.namespace() + ", wait until it is ready and connect";
        }

        static String absent(SetupContext ctx) {
            if (ctx.rethinkManifest().isEmpty()) return "k8s/rethinkdb.yaml is not part of this build";
            if (ctx.databases().forCluster(ctx.clusterId()).isEmpty()) return ctx.databases().absentReason();
            return null;
        }

        @Override public Result apply(SetupContext ctx) throws Exception {
            String why = absent(ctx);
            if (why != null) return Result.skipped("RethinkDB not set up: " + why);
            KubernetesClient c = ctx.client();
            List<HasMetadata> items = c.load(new ByteArrayInputStream(ctx.rethinkManifest().get().getBytes(StandardCharsets.UTF_8))).items();
            JsonArrayBuilder created = Json.createArrayBuilder();
            int n = 0;
            for (HasMetadata r : items) {
                if (r.getMetadata().getNamespace() == null && !(r instanceof io.fabric8.kubernetes.api.model.Namespace)) r.getMetadata().setNamespace(ctx.namespace());
                if (c.resource(r).get() != null) continue;
                c.resource(r).create();
                created.add(Json.createObjectBuilder().add("apiVersion", r.getApiVersion()).add("kind", r.getKind())
                        .add("name", r.getMetadata().getName()).add("namespace", r.getMetadata().getNamespace() == null ? "" : r.getMetadata().getNamespace()));
                n++;
                ctx.info(name(), "created " + r.getKind() + " " + r.getMetadata().getName());
            }
            // ready = the database layer connects (retried with the step's backoff until then)
            String version = ctx.databases().forCluster(ctx.clusterId()).orElseThrow().reachable();
            JsonObject undo = Json.createObjectBuilder().add("created", created).build();
            return n == 0 ? Result.unchanged("RethinkDB already deployed; connected: " + version)
                    : Result.applied("applied " + n + " resource(s); connected: " + version, undo);
        }

        @Override public void rollback(SetupContext ctx, JsonObject undo) {
            var created = undo.getJsonArray("created");
            for (int i = created.size() - 1; i >= 0; i--) {
                JsonObject o = created.getJsonObject(i);
                var op = ctx.client().genericKubernetesResources(o.getString("apiVersion"), o.getString("kind"));
                if (o.getString("namespace").isEmpty()) op.withName(o.getString("name")).delete();
                else op.inNamespace(o.getString("namespace")).withName(o.getString("name")).delete();
                ctx.info(name(), "rollback: deleted " + o.getString("kind") + " " + o.getString("name"));
            }
        }
    }

    /** The Host App's registration: ConfigMap guildnet-system/guildnet-cluster-settings with the cluster's settings. */
    static final class Settings implements SetupStep {
        @Override public String name() { return "settings"; }

        @Override public String plan(SetupContext ctx) {
            return "write ConfigMap " + ClusterService.SETTINGS_NAMESPACE + "/" + ClusterService.SETTINGS_CONFIGMAP + " with " + ctx.clusterSettings().get();
        }

        @Override public Result apply(SetupContext ctx) {
            var cms = ctx.client().configMaps().inNamespace(ClusterService.SETTINGS_NAMESPACE);
            ConfigMap before = cms.withName(ClusterService.SETTINGS_CONFIGMAP).get();
            Map<String, String> want = new LinkedHashMap<>(ctx.clusterSettings().get());
            if (before != null && want.equals(before.getData() == null ? Map.of() : before.getData())) {
                return Result.unchanged("settings ConfigMap already up to date");
            }
            ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(ClusterService.SETTINGS_CONFIGMAP)
                    .withNamespace(ClusterService.SETTINGS_NAMESPACE).addToLabels("app.kubernetes.io/managed-by", "guildnet").endMetadata()
                    .withData(want).build();
            if (before == null) cms.resource(cm).create();
            else cms.resource(cm).update();
            JsonObjectBuilder prev = Json.createObjectBuilder();
            if (before != null && before.getData() != null) before.getData().forEach(prev::add);
            return Result.applied((before == null ? "created" : "updated") + " the settings ConfigMap",
                    Json.createObjectBuilder().add("existed", before != null).add("previous", prev).build());
        }

        @Override public void rollback(SetupContext ctx, JsonObject undo) {
            var cm = ctx.client().configMaps().inNamespace(ClusterService.SETTINGS_NAMESPACE).withName(ClusterService.SETTINGS_CONFIGMAP);
            if (!undo.getBoolean("existed", false)) {
                cm.delete();
                ctx.info(name(), "rollback: deleted the settings ConfigMap");
            } else {
                Map<String, String> prev = new LinkedHashMap<>();
                undo.getJsonObject("previous").forEach((k, v) -> prev.put(k, ((JsonString) v).getString()));
                cm.edit(c -> new ConfigMapBuilder(c).withData(prev).build());
                ctx.info(name(), "rollback: restored the previous settings ConfigMap");
            }
        }
    }

    /** Tailnet provisioning (comes with the tailnet work). */
    /** The cluster's tailnet (tailnet-provision's steps) when it has tailnet settings; rolled back by itself when it fails. */
    static final class Tailnet implements SetupStep {
        @Override public String name() { return "tailnet"; }

        @Override public String plan(SetupContext ctx) {
            return "provision the cluster's tailnet (Headscale user, keys, router, routes, connector) when ts_login_server names a "
                    + "Headscale record with an API key; else skip (" + TAILNET_ABSENT + ")";
        }

        @Override public Result apply(SetupContext ctx) throws Exception {
            java.util.Optional<JsonObject> r = ctx.tailnet() == null ? java.util.Optional.empty() : ctx.tailnet().provision(ctx);
            if (r.isEmpty()) {
                return Result.skipped("no tailnet to provision (the cluster's ts_login_server names no Headscale record with an API key); "
                        + TAILNET_ABSENT);
            }
            JsonObject rep = r.get();
            if (!"succeeded".equals(rep.getString("status", ""))) {
                throw new SetupFailure("tailnet provisioning failed" + (rep.containsKey("failed_step") ? " at " + rep.getString("failed_step") : "")
                        + ": " + rep.getString("error", "?") + " (its own steps were rolled back)", true);
            }
            List<String> done = new ArrayList<>();
            for (JsonObject st : rep.getJsonArray("steps").getValuesAs(JsonObject.class)) done.add(st.getString("name") + " " + st.getString("outcome"));
            return Result.unchanged("tailnet provisioned: " + String.join(", ", done));
        }

        @Override public void rollback(SetupContext ctx, JsonObject undo) { }
    }

    /** The verification report; a failing layer fails the setup (and rolls it back). */
    static final class Verify implements SetupStep {
        @Override public String name() { return "verify"; }

        @Override public String plan(SetupContext ctx) { return "run the layered verification (guildnet-verify) and fail the setup if a check fails"; }

        @Override public Result apply(SetupContext ctx) throws Exception {
            JsonObject report = ctx.verify().get();
            JsonObject summary = report.getJsonObject("summary");
            if ("fail".equals(summary.getString("status"))) throw new SetupFailure("verification failed: " + summary.getString("text"), true);
            return Result.unchanged("verification " + summary.getString("status") + ": " + summary.getString("text"));
        }

        @Override public void rollback(SetupContext ctx, JsonObject undo) { }
    }
}
