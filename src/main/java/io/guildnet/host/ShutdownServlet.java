package io.guildnet.host;

import io.guildnet.audit.AuditLog;
import io.guildnet.security.AuthPolicy;
import io.guildnet.web.RequestInfo;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * {@code POST /internal/shutdown}: graceful stop of the Host App, from a loopback
 * caller only (and, in token mode, with the token — the filter enforces that).
 * The JVM exit runs Liberty's shutdown hook, which stops applications in order.
 */
@WebServlet(urlPatterns = "/internal/shutdown")
public class ShutdownServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(ShutdownServlet.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedThreadFactory threads;

    @Inject
    AuditLog audit;

    @Inject
    HostLifecycle lifecycle;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
        RequestInfo ri = RequestInfo.of(req);
        if (!AuthPolicy.isLoopback(req.getRemoteAddr())) {
            write(res, 403, "{\"code\":\"forbidden\",\"message\":\"shutdown allowed from localhost only\",\"request_id\":\"" + ri.requestId() + "\"}");
            return;
        }
        audit.record(ri.principal(), "host.shutdown", "host", null, null, ri.requestId(), 200);
        write(res, 200, "{\"status\":\"shutting down\"}");
        LOG.info("Shutdown requested by " + ri.principal() + " (request " + ri.requestId() + ")");
        lifecycle.markStopping();
        // System.exit blocks its caller until Liberty's shutdown hook has quiesced every
        // executor task; calling it from an executor task would make the quiesce wait
        // for itself (30 s). A thread from the managed thread factory is not such a task.
        scheduler.schedule(() -> threads.newThread(() -> System.exit(0)).start(), 50, TimeUnit.MILLISECONDS);
    }

    private static void write(HttpServletResponse res, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType("application/json");
        res.setContentLength(b.length);
        res.getOutputStream().write(b);
    }
}
