package io.guildnet.rethink;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code /sse/cluster/{cid}/db/{db}/tables/{t}/changes}: the anchor's path of the table changefeed, served by {@link DbResource}. */
@WebServlet(urlPatterns = "/sse/cluster/*", asyncSupported = true)
public class SseChangesServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws ServletException, IOException {
        String rest = req.getPathInfo();
        if (rest == null || !rest.matches("/[^/]+/db/[^/]+/tables/[^/]+/changes")) {
            res.setStatus(404);
            res.setContentType("application/json");
            res.getWriter().write(io.guildnet.api.ErrorBody.json("not_found", "no stream at /sse/cluster" + (rest == null ? "" : rest),
                    io.guildnet.web.RequestInfo.of(req).requestId(), null));
            return;
        }
        String q = req.getQueryString();
        req.getRequestDispatcher("/api/cluster" + rest + (q == null ? "" : "?" + q)).forward(req, res);
    }
}
