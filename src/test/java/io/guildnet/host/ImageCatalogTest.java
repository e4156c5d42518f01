package io.guildnet.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageCatalogTest {

    @ParameterizedTest
    @CsvSource({
            "codercom/code-server:4.90.3,               codercom/code-server",
            "ghcr.io/coder/code-server:latest,          coder/code-server",
            "docker.io/library/nginx@sha256:abc,        nginx",
            "localhost:5000/guildnet/agent:1,           guildnet/agent",
            "localhost/guildnet/agent,                  guildnet/agent",
            "nginx,                                     nginx",
            "library/nginx:1.27,                        nginx",
            "CoderCom/Code-Server:4.90.3,               codercom/code-server",
            "registry.example:5000/team/app@sha256:def, team/app",
    })
    void repositoryStripsRegistryTagAndDigest(String image, String expected) {
        assertEquals(expected, ImageCatalog.repository(image));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "codercom/code-server:4.90.3",
            "codercom/code-server",
            "ghcr.io/coder/code-server:latest",
            "docker.io/codercom/code-server@sha256:abc",
            "  codercom/code-server:4.90.3  ",
    })
    void codeServerImagesGetHttpPort8080(String image) {
        Optional<ImageCatalog.Defaults> d = ImageCatalog.defaultsFor(image);
        assertTrue(d.isPresent(), image);
        assertEquals(List.of(new ImageCatalog.Port(8080, "http")), d.get().ports());
        assertTrue(d.get().env().containsKey("AGENT_HOST"));
    }

    @Test
    void guildnetAgentImageFromLocalRegistryGetsHttpAndHttpsPorts() {
        Optional<ImageCatalog.Defaults> d = ImageCatalog.defaultsFor("localhost:5000/guildnet/agent:1");
        assertTrue(d.isPresent());
        assertEquals(List.of(new ImageCatalog.Port(8080, "http"), new ImageCatalog.Port(8443, "https")), d.get().ports());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "   ",
            "evil.io/x/codercom/code-server",
            "evil.io/not-codercom/code-server-x",
            "codercom/code-server-fork",
            "mycodercom/code-server",
            "codercom/code-server/extra",
            "nginx:latest",
    })
    void lookalikeOrUnknownImagesGetNoDefaults(String image) {
        assertEquals(Optional.empty(), ImageCatalog.defaultsFor(image));
    }

    @Test
    void everyPresetHasDefaults() {
        for (ImageCatalog.Preset p : ImageCatalog.PRESETS) {
            assertTrue(ImageCatalog.defaultsFor(p.image()).isPresent(), p.image());
        }
    }
}
