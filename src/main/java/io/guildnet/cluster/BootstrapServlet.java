package io.guildnet.cluster;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code /bootstrap}: the path the original docs, SDK and scripts use; served by {@code /api/bootstrap}. */
@WebServlet(urlPatterns = "/bootstrap")
public class BootstrapServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws ServletException, IOException {
        req.getRequestDispatcher("/api/bootstrap").forward(req, res);
    }
}
