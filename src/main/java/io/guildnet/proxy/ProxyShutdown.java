package io.guildnet.proxy;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Closes proxied WebSockets with 1001 "going away" as soon as the application starts to stop,
 * before the container tears connections down (which browsers would see as 1006), so IDEs
 * reconnect cleanly when the Host App comes back.
 */
@WebListener
public class ProxyShutdown implements ServletContextListener {

    @Inject
    ProxyService proxy;

    @Override
    public void contextDestroyed(ServletContextEvent sce) {
        proxy.closeWebSockets();
    }
}
