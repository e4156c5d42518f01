package io.guildnet.batch.setup;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.guildnet.batch.verify.DatabaseProbe;
import jakarta.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the setup steps act on: the cluster (client, namespace), its embedded operator, the
 * cluster settings to publish, the RethinkDB manifest and database layer, a verification run,
 * and where steps write their log lines.
 */
public record SetupContext(String clusterId, KubernetesClient client, String namespace, OperatorControl operator,
                           Supplier<Map<String, String>> clusterSettings, Optional<String> rethinkManifest,
                           DatabaseProbe.Factory databases, Supplier<JsonObject> verify,
                           BiConsumer<String, String> log, BooleanSupplier stopRequested, TailnetControl tailnet) {

    /** Without tailnet provisioning (the tailnet step is skipped). */
    public SetupContext(String clusterId, KubernetesClient client, String namespace, OperatorControl operator,
                        Supplier<Map<String, String>> clusterSettings, Optional<String> rethinkManifest,
                        DatabaseProbe.Factory databases, Supplier<JsonObject> verify,
                        BiConsumer<String, String> log, BooleanSupplier stopRequested) {
        this(clusterId, client, namespace, operator, clusterSettings, rethinkManifest, databases, verify, log, stopRequested, c -> Optional.empty());
    }

    /** The cluster's tailnet provisioning (the tailnet-provision job's steps); empty when the cluster has no tailnet settings. */
    @FunctionalInterface
    public interface TailnetControl {
        /** Runs the provisioning; its report ({@code status}, {@code steps}, {@code rolled_back}…), or empty when there is nothing to provision. */
        Optional<JsonObject> provision(SetupContext ctx) throws Exception;
    }

    /** The cluster's Workspace operator as setup sees it. */
    public interface OperatorControl {
        /** The leader-election identity of the operator attached to this Host App's cluster instance, if any. */
        Optional<String> embedded();

        /** Whether this Host App may embed the operator (GN_EMBED_OPERATOR and the embed_operator setting). */
        boolean embeddingAllowed();

        /** Starts and attaches the embedded operator (the CRDs must exist). */
        void start() throws Exception;

        /** Stops and detaches the embedded operator. */
        void stop();
    }

    void info(String step, String msg) { log.accept(step, msg); }
}
