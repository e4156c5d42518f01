package io.guildnet.sdk;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The HTTP side of the SDK: one {@link HttpClient}, the token header, retries with exponential
 * backoff for transient failures (503 and connections that could not be opened, i.e. requests
 * the server never processed), and the mapping of error bodies to typed exceptions.
 */
final class Transport {

    final URI base;
    private final String token;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final int maxRetries;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final String userAgent;
    /** Retries done so far (tests and diagnostics). */
    final AtomicLong retries = new AtomicLong();

    Transport(URI base, String token, HttpClient http, Duration requestTimeout, int maxRetries, Duration backoff,
              Duration maxBackoff, String userAgent) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.token = token;
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.maxRetries = maxRetries;
        this.backoff = backoff;
        this.maxBackoff = maxBackoff;
        this.userAgent = userAgent;
    }

    HttpClient http() { return http; }

    /** Percent-encodes one path segment or query value. */
    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A query string from name/value pairs, skipping null values. */
    static String query(Object... kv) {
        StringBuilder q = new StringBuilder();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (kv[i + 1] == null) continue;
            q.append(q.length() == 0 ? '?' : '&').append(kv[i]).append('=').append(enc(String.valueOf(kv[i + 1])));
        }
        return q.toString();
    }

    HttpRequest.Builder request(String method, String path, String contentType, byte[] body, String accept, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("User-Agent", userAgent);
        if (timeout != null) b.timeout(timeout);
        if (accept != null) b.header("Accept", accept);
        if (contentType != null) b.header("Content-Type", contentType);
        if (token != null && !token.isEmpty()) b.header("Authorization", "Bearer " + token);
        return b;
    }

    /** Sends with retries; a non-2xx answer becomes a typed {@link GuildNetException}. */
    <T> HttpResponse<T> send(String method, String path, String contentType, byte[] body, String accept,
                             HttpResponse.BodyHandler<T> handler, Duration timeout) {
        int attempt = 0;
        while (true) {
            HttpResponse<T> r;
            try {
                r = http.send(request(method, path, contentType, body, accept, timeout).build(), handler);
            } catch (ConnectException | HttpConnectTimeoutException e) {
                if (attempt < maxRetries) {
                    sleep(delay(attempt++, null));
                    continue;
                }
                throw new ConnectionException("cannot connect to " + base + ": " + describe(e), e);
            } catch (IOException e) {
                throw new ConnectionException(method + " " + base + path + " failed: " + describe(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectionException("interrupted", e);
            }
            int status = r.statusCode();
            if (status == 503 && attempt < maxRetries) {
                close(r.body());
                sleep(delay(attempt++, r.headers().firstValue("Retry-After").orElse(null)));
                continue;
            }
            if (status >= 400) throw error(r);
            return r;
        }
    }

    HttpResponse<String> send(String method, String path, String contentType, byte[] body, String accept) {
        return send(method, path, contentType, body, accept, HttpResponse.BodyHandlers.ofString(), requestTimeout);
    }

    /** A JSON request and answer ({@code JsonValue.NULL} for an empty body). */
    JsonValue json(String method, String path, JsonValue body) {
        HttpResponse<String> r = send(method, path, body == null ? null : "application/json",
                body == null ? null : body.toString().getBytes(StandardCharsets.UTF_8), "application/json");
        return parse(r.body());
    }

    JsonObject object(String method, String path, JsonValue body) {
        return json(method, path, body).asJsonObject();
    }

    /** An open streaming response (SSE, NDJSON, exports): the caller closes its body. */
    HttpResponse<InputStream> stream(String method, String path, String accept) {
        return send(method, path, null, null, accept, HttpResponse.BodyHandlers.ofInputStream(), null);
    }

    static JsonValue parse(String s) {
        if (s == null || s.isBlank()) return JsonValue.NULL;
        try (JsonReader r = Json.createReader(new StringReader(s))) {
            return r.readValue();
        }
    }

    Duration delay(int attempt, String retryAfter) {
        retries.incrementAndGet();
        return backoff(backoff, maxBackoff, attempt, retryAfter);
    }

    /** The delay before retry {@code attempt} (0-based): {@code first}·2^attempt, at least Retry-After, at most {@code max}. */
    static Duration backoff(Duration first, Duration max, int attempt, String retryAfter) {
        long ms = first.toMillis() << Math.min(attempt, 20);
        if (retryAfter != null) {
            try {
                ms = Math.max(ms, Long.parseLong(retryAfter.trim()) * 1000);
            } catch (NumberFormatException ignored) {
                // an HTTP date: keep the computed backoff
            }
        }
        return Duration.ofMillis(Math.min(ms, max.toMillis()));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionException("interrupted", e);
        }
    }

    private static void close(Object body) {
        if (body instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        Throwable c = e.getCause();
        if ((m == null || m.isEmpty()) && c != null) m = c.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
    }

    private static GuildNetException error(HttpResponse<?> r) {
        Object b = r.body();
        String text;
        if (b instanceof String s) {
            text = s;
        } else if (b instanceof InputStream in) {
            try (in) {
                text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = "";
            }
        } else {
            text = "";
        }
        return GuildNetException.fromBody(r.statusCode(), text, r.headers().firstValue("X-Request-Id").orElse(null));
    }

    /** One server-sent event. */
    public record Event(String name, String id, String data) {
        public JsonValue json() { return parse(data); }
    }

    /**
     * Reads server-sent events until {@code handler} returns false or the stream ends; comments
     * (pings) are skipped. Closing the stream from another thread ends the loop quietly.
     */
    static void readEvents(InputStream in, Predicate<Event> handler) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String name = null;
            String id = null;
            StringBuilder data = null;
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        if (!handler.test(new Event(name == null ? "message" : name, id, data.toString()))) return;
                    }
                    name = null;
                    id = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    // comment / ping
                } else {
                    int c = line.indexOf(':');
                    String field = c < 0 ? line : line.substring(0, c);
                    String value = c < 0 ? "" : line.substring(c + 1);
                    if (value.startsWith(" ")) value = value.substring(1);
                    switch (field) {
                        case "event" -> name = value;
                        case "id" -> id = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> { }
                    }
                }
            }
        } catch (IOException e) {
            // the stream was closed (by us or the server): the subscription is over
        }
    }

    /** Reads NDJSON lines until the handler returns false or the stream ends. */
    static void readLines(InputStream in, Predicate<JsonValue> handler) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                if (!handler.test(parse(line))) return;
            }
        } catch (IOException e) {
            // closed
        }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) if (kv[i + 1] != null) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
