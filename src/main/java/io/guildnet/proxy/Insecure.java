package io.guildnet.proxy;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS without certificate checks, used only for a workspace's own HTTPS port reached inside
 * its cluster (port-forward or ClusterIP): workspace images serve self-signed certificates and
 * the API server's proxy does not verify them either. Never used toward the API server or an
 * allowlisted target.
 */
final class Insecure {

    private static volatile SSLSocketFactory factory;

    private Insecure() {}

    static SSLSocketFactory socketFactory() {
        if (factory == null) {
            try {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {new X509TrustManager() {
                    @Override public void checkClientTrusted(X509Certificate[] c, String a) { }
                    @Override public void checkServerTrusted(X509Certificate[] c, String a) { }
                    @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
                }}, new SecureRandom());
                factory = ctx.getSocketFactory();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return factory;
    }
}
