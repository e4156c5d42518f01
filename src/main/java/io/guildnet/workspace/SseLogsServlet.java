package io.guildnet.workspace;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code /sse/logs}: the original path of the legacy log stream, served by the JAX-RS resource. */
@WebServlet(urlPatterns = "/sse/logs", asyncSupported = true)
public class SseLogsServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws ServletException, IOException {
        req.getRequestDispatcher("/api/legacy/sse-logs").forward(req, res);
    }
}
