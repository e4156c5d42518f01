package io.guildnet.it;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.arquillian.container.spi.event.SetupContainer;
import org.jboss.arquillian.container.spi.event.container.AfterStop;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Prepares the Liberty server that Arquillian starts for the in-container tests ({@link InContainerIT}).
 *
 * <p>Client side only (test JVM). Before the container is set up it writes server "guildnetArq" the way
 * {@link LibertyServer} writes its servers (server.xml of the product, jvm.options, server.env with its
 * own GUILDNET_HOME under target/it, TLS material from TlsBootstrap) but without the war: Arquillian
 * deploys the packaged war itself. A test-only config drop-in adds what the Arquillian adapter needs
 * (localConnector-1.0, applicationMonitor updateTrigger="mbean") and a plain-HTTP port on loopback for
 * Arquillian's servlet protocol; the HTTPS port is free and dynamic like the other IT servers'.
 * It also starts a Kubernetes API double ({@link MockCluster}) in this JVM and hands the server its
 * kubeconfig file through the environment variable {@value #KUBECONFIG_ENV}.
 */
public class ArquillianServer implements LoadableExtension {

    static final String NAME = "guildnetArq";
    static final String KUBECONFIG_ENV = "ARQ_MOCK_KUBECONFIG";

    /** The Kubernetes API double of the in-container tests (client side). */
    static volatile MockCluster mock;

    @Override
    public void register(ExtensionBuilder builder) {
        builder.observer(Preparer.class);
    }

    public static class Preparer {

        public void prepare(@Observes(precedence = 100) SetupContainer event) throws Exception {
            LibertyServer s = new LibertyServer(NAME);
            s.wipeHome();
            LibertyServer.deleteTree(s.serverDir());
            mock = new MockCluster();
            Path kc = LibertyServer.work().resolve("arq-kubeconfig.yaml");
            Files.createDirectories(kc.getParent());
            Files.writeString(kc, mock.kubeconfig("arq-mock"));
            s.env().put(KUBECONFIG_ENV, kc.toString());
            // the host default cluster is the mock too (as for the shared IT server): Arquillian passes
            // the test JVM's environment on, and a user's KUBECONFIG or ~/.kube/config must never be used
            s.env().put("KUBECONFIG", kc.toString());
            s.env().put("GUILDNET_RDB_BACKEND", "memory");
            // the first Kubernetes call of a cold server JVM (fabric8 + TLS class loading) can take
            // longer than the 3 s default on a busy CI machine; the shared IT server is warm by then
            s.env().put("GUILDNET_CLUSTER_CHECK_TIMEOUT_MS", "20000");
            s.prepare(false);
            int httpPort = LibertyServer.freePort();
            Path overrides = s.serverDir().resolve("configDropins/overrides");
            Files.createDirectories(overrides);
            Files.writeString(overrides.resolve("arquillian.xml"), """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <!-- test only: what the Arquillian Liberty adapter needs, and plain HTTP on loopback for its servlet protocol -->
                    <server>
                        <featureManager>
                            <feature>localConnector-1.0</feature>
                        </featureManager>
                        <applicationMonitor updateTrigger="mbean"/>
                        <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d"/>
                    </server>
                    """.formatted(httpPort));
            event.getContainer().getContainerConfiguration()
                    .property("wlpHome", LibertyServer.wlp().toString())
                    .property("serverName", NAME)
                    .property("httpPort", Integer.toString(httpPort));
        }

        public void stopped(@Observes AfterStop event) {
            MockCluster m = mock;
            mock = null;
            if (m != null) m.close();
        }
    }
}
