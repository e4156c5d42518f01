package io.guildnet.rethink;

import io.guildnet.api.ApiException;
import io.guildnet.api.ErrorBody;
import io.guildnet.web.RequestInfo;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /sse/cluster/{cid}/db/{db}/tables/{t}/changes[?pause=1]}: the anchor's path of a
 * table's live changes, on non-blocking servlet output ({@link ServletSseSink}): frames are
 * batched per write and no thread is held per subscriber. {@code Last-Event-ID} (or
 * {@code ?last_event_id=}) resumes. The same stream is at {@code /api/cluster/{cid}/db/…/changes}
 * through JAX-RS.
 */
@WebServlet(urlPatterns = "/sse/cluster/*", asyncSupported = true)
public class SseChangesServlet extends HttpServlet {

    private static final Pattern PATH = Pattern.compile("/([^/]+)/db/([^/]+)/tables/([^/]+)/changes");

    @Inject
    RethinkModule module;

    @Resource
    ManagedExecutorService executor;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        RequestInfo ri = RequestInfo.of(req);
        Matcher m = PATH.matcher(req.getPathInfo() == null ? "" : req.getPathInfo());
        if (!m.matches()) {
            error(res, ri, new ApiException(404, "not_found", "no stream at /sse/cluster" + (req.getPathInfo() == null ? "" : req.getPathInfo())));
            return;
        }
        req.setAttribute(RequestInfo.ROUTE_ATTR, "/sse/cluster/{cid}/db/{db}/tables/{t}/changes");
        String cid = m.group(1), db = m.group(2), t = m.group(3);
        ClusterDatabase cd;
        Set<String> masked;
        try {
            Caller c = caller(req, ri);
            cd = module.forCluster(cid);
            DatabaseService s = cd.service();
            s.getTable(c, db, t);
            Role role = s.require(c, db, t, "row.read");
            masked = role.masked() ? DatabaseService.maskedColumns(s.columns(s.be(), db, t)) : Set.of();
        } catch (ApiException e) {
            error(res, ri, e);
            return;
        }
        String pause = req.getParameter("pause");
        boolean paused = pause != null && (pause.equals("1") || pause.equalsIgnoreCase("true"));
        String last = req.getHeader("Last-Event-ID");
        if (last == null) last = req.getParameter("last_event_id");

        res.setStatus(200);
        res.setContentType("text/event-stream");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        AsyncContext ctx = req.startAsync();
        ctx.setTimeout(0);
        ServletSseSink sink = new ServletSseSink(ctx, res.getOutputStream(), executor);
        ctx.addListener(new AsyncListener() {
            @Override public void onComplete(AsyncEvent e) { sink.disconnected(); }
            @Override public void onTimeout(AsyncEvent e) { sink.close(); }
            @Override public void onError(AsyncEvent e) { sink.disconnected(); }
            @Override public void onStartAsync(AsyncEvent e) { }
        });
        sink.listen();
        sink.send(ChangefeedHub.Frame.comment("changes of " + t));
        cd.hub().subscribe(cd.service().phys(db), t, sink, masked, paused, last);
    }

    private Caller caller(HttpServletRequest req, RequestInfo ri) {
        String dbg = req.getHeader("X-Debug-Principal");
        if (module.config().debugPrincipal() && dbg != null && !dbg.isBlank()) {
            return new Caller(dbg.trim(), Caller.isHostAdmin(dbg.trim()), ri.requestId());
        }
        return new Caller(ri.principal(), Caller.isHostAdmin(ri.principal()), ri.requestId());
    }

    private static void error(HttpServletResponse res, RequestInfo ri, ApiException e) throws IOException {
        res.setStatus(e.status());
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        res.getOutputStream().write(ErrorBody.json(e.code(), e.getMessage(), ri.requestId(), e.details())
                .getBytes(StandardCharsets.UTF_8));
    }
}
