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
                           BiConsumer<String, String> log, BooleanSupplier stopRequested) {

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
