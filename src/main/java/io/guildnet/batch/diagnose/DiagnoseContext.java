package io.guildnet.batch.diagnose;

import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a diagnosis collects from: the cluster, the Host App's recent warnings and errors
 * (operator included), the cluster's settings (redacted before use) and its connection states.
 */
public record DiagnoseContext(String clusterId, KubernetesClient client, String namespace,
                              Supplier<List<String>> recentErrors, Supplier<JsonObject> settings,
                              Supplier<JsonObject> connections, int eventLimit) {}
