package io.guildnet.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds the host's own default cluster for the legacy single-cluster routes:
 * {@code KUBECONFIG} (first existing entry), then {@code ~/.guildnet/kubeconfig} when
 * {@code GN_USE_GUILDNET_KUBECONFIG=1}, then {@code ~/.kube/config}, then the in-cluster
 * service account.
 */
public final class DefaultKubeconfig {

    /** Where the default cluster's credentials come from. */
    public record Source(Path kubeconfig, boolean inCluster) {
        public String describe() { return inCluster ? "in-cluster service account" : kubeconfig.toString(); }
    }

    static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    private DefaultKubeconfig() {}

    public static Optional<Source> locate(Function<String, Optional<String>> env, Path userHome, Path serviceAccountToken) {
        Optional<String> kc = env.apply("KUBECONFIG").filter(s -> !s.isBlank());
        if (kc.isPresent()) {
            for (String part : kc.get().split(java.io.File.pathSeparator)) {
                if (!part.isBlank() && Files.isRegularFile(Path.of(part.trim()))) return Optional.of(new Source(Path.of(part.trim()), false));
            }
        }
        boolean useGuildnet = env.apply("GN_USE_GUILDNET_KUBECONFIG").map(String::trim).map(v -> v.equals("1") || v.equalsIgnoreCase("true")).orElse(false);
        Path gn = userHome.resolve(".guildnet").resolve("kubeconfig");
        if (useGuildnet && Files.isRegularFile(gn)) return Optional.of(new Source(gn, false));
        Path home = userHome.resolve(".kube").resolve("config");
        if (Files.isRegularFile(home)) return Optional.of(new Source(home, false));
        if (env.apply("KUBERNETES_SERVICE_HOST").isPresent() && Files.isRegularFile(serviceAccountToken)) {
            return Optional.of(new Source(null, true));
        }
        return Optional.empty();
    }

    public static Optional<Source> locate() {
        return locate(k -> Optional.ofNullable(System.getenv(k)), Path.of(System.getProperty("user.home")), SERVICE_ACCOUNT_TOKEN);
    }
}
