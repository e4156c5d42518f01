package io.guildnet.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One place the proxy opens TCP connections to: scheme, host, port, the TLS settings
 * (for the API server: the cluster's CA and client certificate) and, for clusters on a
 * tailnet, the connector's local proxy to dial through.
 */
public record Upstream(String scheme, String host, int port, SSLSocketFactory tls, boolean verifyHostname, Proxy via) {

    public static Upstream plain(String host, int port) {
        return new Upstream("http", host, port, null, false, Proxy.NO_PROXY);
    }

    public boolean secure() { return "https".equals(scheme); }

    /** The pool key: connections are shared only between identical upstreams. */
    public String key() {
        return scheme + "://" + host + ":" + port + "#" + (tls == null ? 0 : System.identityHashCode(tls))
                + (via == null || via == Proxy.NO_PROXY ? "" : "@" + via);
    }

    /** The Host header value for a request to this upstream. */
    public String authority() {
        boolean dflt = secure() ? port == 443 : port == 80;
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return dflt ? h : h + ":" + port;
    }

    Socket connect(int connectTimeoutMs) throws IOException {
        Socket s = via == null ? new Socket() : new Socket(via);
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.connect(via == null || via == Proxy.NO_PROXY ? new InetSocketAddress(host, port)
                    : InetSocketAddress.createUnresolved(host, port), connectTimeoutMs);
            if (!secure()) return s;
            SSLSocketFactory f = tls != null ? tls : (SSLSocketFactory) SSLSocketFactory.getDefault();
            SSLSocket ssl = (SSLSocket) f.createSocket(s, host, port, true);
            SSLParameters p = ssl.getSSLParameters();
            if (verifyHostname) p.setEndpointIdentificationAlgorithm("HTTPS");
            if (!Character.isDigit(host.charAt(0)) && host.indexOf(':') < 0) p.setServerNames(java.util.List.of(new SNIHostName(host)));
            // HTTP/1.1 only: upgrades (WebSocket, SPDY) need it and the API server's proxy speaks it
            p.setApplicationProtocols(new String[] {"http/1.1"});
            ssl.setSSLParameters(p);
            ssl.setSoTimeout(connectTimeoutMs);
            ssl.startHandshake();
            return ssl;
        } catch (IOException | RuntimeException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return scheme + "://" + authority();
    }
}
