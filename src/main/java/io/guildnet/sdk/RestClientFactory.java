package io.guildnet.sdk;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.eclipse.microprofile.rest.client.RestClientBuilder;

/**
 * Builds the MicroProfile Rest Client interfaces of {@code io.guildnet.sdk.rest} with the settings of a
 * {@link GuildNetClient.Builder}: base URL, bearer token, timeouts, TLS trust, and the same retries
 * with exponential backoff (503 answers, connections that could not be opened). Kept apart from the
 * builder so that the CLI, which never uses it, never loads the Rest Client classes.
 */
final class RestClientFactory {

    private RestClientFactory() {}

    static <T> T create(Class<T> api, URI base, String token, Duration connectTimeout, Duration requestTimeout, SSLContext ssl,
                        String userAgent, int maxRetries, Duration backoff, Duration maxBackoff) {
        RestClientBuilder b = RestClientBuilder.newBuilder().baseUri(base)
                .connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .register(new Headers(token, userAgent));
        if (ssl != null) b.sslContext(ssl);
        T delegate = b.build(api);
        return api.cast(Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api},
                new Retrying(delegate, base, maxRetries, backoff, maxBackoff)));
    }

    /** Sends the token and the SDK's User-Agent. A class, not a record: its {@code toString()} must never show the token. */
    private static final class Headers implements ClientRequestFilter {
        private final String token;
        private final String userAgent;

        Headers(String token, String userAgent) {
            this.token = token;
            this.userAgent = userAgent;
        }

        @Override
        public void filter(ClientRequestContext ctx) {
            if (token != null && !token.isEmpty()) ctx.getHeaders().putSingle("Authorization", "Bearer " + token);
            ctx.getHeaders().putSingle("User-Agent", userAgent);
        }

        @Override
        public String toString() {
            return "GuildNet request headers (token " + (token == null || token.isEmpty() ? "none" : "set") + ")";
        }
    }

    /**
     * Calls the Rest Client, retrying what the server never processed. Default methods of the
     * interface run against this proxy, so the calls they make are retried too.
     */
    private record Retrying(Object delegate, URI base, int maxRetries, Duration backoff, Duration maxBackoff) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            if (m.getDeclaringClass() == Object.class) {
                return switch (m.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "GuildNet " + m.getDeclaringClass().getSimpleName() + " client for " + base;
                };
            }
            if (m.isDefault()) return InvocationHandler.invokeDefault(proxy, m, args);
            int attempt = 0;
            while (true) {
                try {
                    return m.invoke(delegate, args);
                } catch (InvocationTargetException wrapped) {
                    Throwable e = wrapped.getCause();
                    boolean transientFailure = cause(e, UnavailableException.class) != null || refused(e);
                    if (transientFailure && attempt < maxRetries) {
                        try {
                            Thread.sleep(Transport.backoff(backoff, maxBackoff, attempt++, null).toMillis());
                        } catch (InterruptedException ie) {
                            Thread.currentThread().interrupt();
                            throw new ConnectionException("interrupted", ie);
                        }
                        continue;
                    }
                    if (e instanceof ProcessingException && cause(e, GuildNetException.class) == null) {
                        throw new ConnectionException((refused(e) ? "cannot connect to " + base : m.getName() + " against " + base + " failed")
                                + ": " + describe(e), e);
                    }
                    GuildNetException mapped = cause(e, GuildNetException.class);
                    throw mapped != null ? mapped : e;
                }
            }
        }

        /** A connection that could not be opened (refused, or timed out while connecting, in any client's words). */
        private static boolean refused(Throwable e) {
            for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
                if (c instanceof ConnectException || c instanceof java.net.http.HttpConnectTimeoutException) return true;
                // Apache HttpClient (RESTEasy's default engine): org.apache.http.conn.ConnectTimeoutException
                if (c.getClass().getSimpleName().equals("ConnectTimeoutException")) return true;
                if (c instanceof java.net.SocketTimeoutException && String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("connect")) {
                    return true;
                }
            }
            return false;
        }

        private static <X extends Throwable> X cause(Throwable e, Class<X> type) {
            for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
                if (type.isInstance(c)) return type.cast(c);
            }
            return null;
        }

        private static String describe(Throwable e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            String msg = root.getMessage();
            return root.getClass().getSimpleName() + (msg == null ? "" : " (" + msg + ")");
        }
    }
}
