package io.guildnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultKubeconfigTest {

    @TempDir
    Path home;

    Map<String, String> env = new HashMap<>();

    Optional<DefaultKubeconfig.Source> locate(Path sa) {
        return DefaultKubeconfig.locate(k -> Optional.ofNullable(env.get(k)), home, sa);
    }

    Path file(String rel) throws Exception {
        Path p = home.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "apiVersion: v1\n");
        return p;
    }

    @Test
    void kubeconfigEnvWinsAndSkipsMissingEntries() throws Exception {
        Path dot = file(".kube/config");
        Path env1 = file("custom/kc");
        env.put("KUBECONFIG", home.resolve("missing") + java.io.File.pathSeparator + env1);
        assertEquals(env1, locate(home.resolve("sa")).orElseThrow().kubeconfig());
        env.put("KUBECONFIG", home.resolve("missing").toString());
        assertEquals(dot, locate(home.resolve("sa")).orElseThrow().kubeconfig());
    }

    @Test
    void guildnetKubeconfigOnlyWhenAskedFor() throws Exception {
        Path gn = file(".guildnet/kubeconfig");
        Path dot = file(".kube/config");
        assertEquals(dot, locate(home.resolve("sa")).orElseThrow().kubeconfig());
        env.put("GN_USE_GUILDNET_KUBECONFIG", "1");
        assertEquals(gn, locate(home.resolve("sa")).orElseThrow().kubeconfig());
    }

    @Test
    void inClusterServiceAccountIsTheLastResort() throws Exception {
        Path sa = file("sa/token");
        assertTrue(locate(sa).isEmpty(), "no KUBERNETES_SERVICE_HOST: not in a cluster");
        env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
        assertTrue(locate(sa).orElseThrow().inCluster());
        assertTrue(locate(home.resolve("no-token")).isEmpty());
    }
}
