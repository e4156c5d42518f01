package io.guildnet.api;

import io.guildnet.web.RequestInfo;
import jakarta.json.JsonException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns every exception a resource can raise into the one JSON error body. Never a stack trace. */
public final class ExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ExceptionMappers.class.getName());

    private ExceptionMappers() {}

    static Response body(HttpServletRequest req, int status, String code, String message, Object details) {
        String rid = req == null ? null : RequestInfo.of(req).requestId();
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorBody.json(code, message, rid, details)).build();
    }

    /** Domain errors. */
    @Provider
    public static class Api implements ExceptionMapper<ApiException> {
        @Context
        HttpServletRequest req;

        @Override
        public Response toResponse(ApiException e) {
            return body(req, e.status(), e.code(), e.getMessage(), e.details());
        }
    }

    /** 404, 405, 406, 415 and friends raised by the JAX-RS runtime. */
    @Provider
    public static class Web implements ExceptionMapper<WebApplicationException> {
        @Context
        HttpServletRequest req;

        @Override
        public Response toResponse(WebApplicationException e) {
            int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
            String path = req == null ? "" : req.getRequestURI();
            String method = req == null ? "" : req.getMethod();
            Throwable tooLarge = Unexpected.tooLarge(e);
            if (tooLarge != null) return body(req, 413, "payload_too_large", tooLarge.getMessage(), null);
            String message = switch (status) {
                case 404 -> "no such API path: " + path;
                case 405 -> "method " + method + " is not allowed for " + path;
                case 406 -> "cannot produce a representation the client accepts";
                case 415 -> "unsupported Content-Type " + (req == null ? "" : req.getContentType()) + "; send application/json";
                case 400 -> "malformed request";
                default -> status >= 500 ? "internal error" : "request failed";
            };
            if (status >= 500) LOG.log(Level.WARNING, "request failed: " + e, e);
            Response r = body(req, status, ErrorBody.codeFor(status), message, null);
            if (e instanceof NotAllowedException && e.getResponse() != null) {
                Object allow = e.getResponse().getHeaderString("Allow");
                if (allow != null) return Response.fromResponse(r).header("Allow", allow).build();
            }
            return r;
        }
    }

    /** Anything else: a logged 500 with the request id, or a 400/413 when the cause says so. */
    @Provider
    public static class Unexpected implements ExceptionMapper<Throwable> {
        @Context
        HttpServletRequest req;

        static Throwable tooLarge(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c.getClass().getSimpleName().equals("TooLarge")) return c;
            }
            return null;
        }

        @Override
        public Response toResponse(Throwable e) {
            Throwable tl = tooLarge(e);
            if (tl != null) return body(req, 413, "payload_too_large", tl.getMessage(), null);
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof JsonException) return body(req, 400, "bad_json", "request body is not valid JSON", null);
                if (c instanceof ApiException a) return body(req, a.status(), a.code(), a.getMessage(), a.details());
            }
            String rid = req == null ? null : RequestInfo.of(req).requestId();
            LOG.log(Level.SEVERE, "unexpected error in request " + rid + ": " + e, e);
            return body(req, 500, "internal_error", "internal error (request id " + rid + ")", null);
        }
    }
}
