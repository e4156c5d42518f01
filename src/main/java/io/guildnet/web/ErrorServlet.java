package io.guildnet.web;

import io.guildnet.api.ErrorBody;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Renders every container-level error (404 for static files, 405, unexpected exceptions) as the JSON error body. */
@WebServlet(urlPatterns = "/__error")
public class ErrorServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(ErrorServlet.class.getName());

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Object sc = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        String rid = RequestInfo.of(req).requestId();
        if (sc == null) {
            GuildNetFilter.error(res, rid, 404, "not_found", "no such path", null);
            return;
        }
        int status = (Integer) sc;
        Throwable t = (Throwable) req.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        String code = ErrorBody.codeFor(status);
        String message;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof LimitedRequest.TooLarge tl) {
                GuildNetFilter.error(res, rid, 413, "payload_too_large", tl.getMessage(), java.util.Map.of("limit", tl.limit));
                return;
            }
        }
        if (t != null) {
            LOG.log(Level.WARNING, "request " + rid + " failed: " + t, t);
            message = "internal error (request id " + rid + ")";
        } else {
            Object uri = req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
            message = switch (status) {
                case 404 -> "no such path: " + uri;
                case 405 -> "method not allowed for " + uri;
                default -> "request failed with status " + status;
            };
        }
        GuildNetFilter.error(res, rid, status, code, message, null);
    }
}
