package io.guildnet.web;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code /healthz}: plain-text liveness for scripts and load balancers (anchor-compatible). */
@WebServlet(urlPatterns = "/healthz")
public class HealthzServlet extends HttpServlet {

    private static final byte[] OK = "ok".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        res.setStatus(200);
        res.setContentType("text/plain; charset=utf-8");
        res.setHeader("Cache-Control", "no-store");
        res.setContentLength(OK.length);
        if (!"HEAD".equals(req.getMethod())) res.getOutputStream().write(OK);
    }
}
