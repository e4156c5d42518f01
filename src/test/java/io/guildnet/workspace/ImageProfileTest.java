package io.guildnet.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageProfileTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "codercom/code-server:4.90.3,        CODE_SERVER",
            "ghcr.io/coder/code-server:latest,   CODE_SERVER",
            "docker.io/codercom/code-server,     CODE_SERVER",
            "guildnet/agent:1,                   GUILDNET_AGENT",
            "nginx:1.27,                         NGINX",
            "docker.io/library/nginx,            NGINX",
            "busybox:1.36.1,                     BUSYBOX",
            "mirror.local:5000/library/busybox,  BUSYBOX",
    })
    void knownRepositoriesSelectTheirProfile(String image, ImageProfile expected) {
        assertEquals(expected, ImageProfile.of(image));
    }

    @ParameterizedTest(name = "{0} is generic")
    @ValueSource(strings = {
            "node:alpine",
            "alpine",
            "my.registry/team/nginx-custom",
            "evil/codercom/code-server",
            "codercom/code-server-fork",
            "nginxinc/nginx-unprivileged:stable",
            "busybox-extras",
    })
    void lookalikeAndUnknownImagesAreGeneric(String image) {
        assertEquals(ImageProfile.GENERIC, ImageProfile.of(image));
    }

    @org.junit.jupiter.api.Test
    void busyboxRunsAsNobodySoRunAsNonRootHolds() {
        assertEquals(65534L, ImageProfile.BUSYBOX.runAsUser());
        assertEquals(true, ImageProfile.BUSYBOX.runAsNonRoot());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\t"})
    void missingImageIsGeneric(String image) {
        assertEquals(ImageProfile.GENERIC, ImageProfile.of(image));
    }
}
