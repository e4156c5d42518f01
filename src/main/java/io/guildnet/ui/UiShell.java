package io.guildnet.ui;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The app shell ({@code index.html}) as served: the {@value #TOKEN} placeholder replaced by the
 * current asset version {@code v-<hash>}, a hash over the names, sizes and modification times of the
 * files under {@code /assets}. The version and the rendered page are recomputed at most once per
 * {@link #RECHECK_MS} ms and only when a file changed, so edits under {@code liberty:dev} show up on
 * the next reload while a deployed war keeps one version for its lifetime.
 */
public final class UiShell {

    /** The placeholder in index.html for the asset version (e.g. {@code /assets/@VERSION@/app.js}). */
    public static final String TOKEN = "@VERSION@";
    public static final String VERSION_PREFIX = "v-";
    static final long RECHECK_MS = 1000;

    /** One file under /assets: its path relative to the web root, size and modification time. */
    public record Entry(String name, long size, long mtime) {}

    /** Where the shell's files come from: the servlet context in the server, a directory in tests. */
    public interface Source {
        /** Every file under /assets (any order). */
        List<Entry> assets() throws IOException;

        /** index.html's size and modification time, to notice when it changes. */
        Entry index() throws IOException;

        /** index.html's text, or null when there is none. */
        String indexText() throws IOException;
    }

    /** A consistent view: the version, the page rendered with it and its inline-script CSP hashes. */
    public record Snapshot(String version, String index, String scriptHashes, String signature) {}

    private final Source source;
    private final LongSupplier clock;
    private volatile Snapshot snapshot;
    private volatile long checkedAt;

    public UiShell(Source source, LongSupplier clock) {
        this.source = source;
        this.clock = clock;
    }

    /** The last snapshot without rechecking the files (computed once if there is none yet). */
    public Snapshot latest() {
        Snapshot s = snapshot;
        return s != null ? s : current();
    }

    /** The current snapshot, rechecking the files when the last check is older than {@link #RECHECK_MS}. */
    public Snapshot current() {
        Snapshot s = snapshot;
        long now = clock.getAsLong();
        if (s != null && now - checkedAt < RECHECK_MS) return s;
        synchronized (this) {
            s = snapshot;
            if (s != null && now - checkedAt < RECHECK_MS) return s;
            try {
                List<Entry> assets = source.assets();
                Entry idx = source.index();
                String version = version(assets);
                String signature = version + "|" + (idx == null ? "-" : idx.size() + ":" + idx.mtime());
                if (s == null || !s.signature().equals(signature)) {
                    String text = source.indexText();
                    String page = text == null ? null : render(text, version);
                    s = new Snapshot(version, page, page == null ? "" : StaticRoutes.inlineScriptHashes(page), signature);
                    snapshot = s;
                }
            } catch (IOException e) {
                if (s == null) throw new java.io.UncheckedIOException(e);
                // keep serving the last good snapshot
            }
            checkedAt = now;
            return s;
        }
    }

    /** {@code v-} + 16 hex digits of SHA-256 over the sorted (name, size, mtime) of every asset. */
    public static String version(List<Entry> assets) {
        List<Entry> sorted = new ArrayList<>(assets);
        sorted.sort(java.util.Comparator.comparing(Entry::name));
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Entry e : sorted) md.update((e.name() + '\0' + e.size() + '\0' + e.mtime() + '\n').getBytes(StandardCharsets.UTF_8));
            return VERSION_PREFIX + HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** index.html with every {@value #TOKEN} replaced by the version. */
    public static String render(String template, String version) {
        return template.replace(TOKEN, version);
    }

    /**
     * For {@code /assets/v-<hash>/rest}: the real path {@code /assets/rest} and whether the version is the
     * current one; null for any other path.
     */
    public static Versioned parse(String path) {
        if (!path.startsWith("/assets/" + VERSION_PREFIX)) return null;
        int slash = path.indexOf('/', "/assets/".length());
        if (slash < 0) return null;
        String v = path.substring("/assets/".length(), slash);
        if (!v.matches("v-[0-9a-f]{1,64}")) return null;
        return new Versioned(v, "/assets" + path.substring(slash));
    }

    /** A versioned asset request: the version it names and the real file path. */
    public record Versioned(String version, String realPath) {}

    /** Files of a directory tree (the webapp root): for unit tests and anything outside a servlet container. */
    public static Source directory(Path root) {
        return new Source() {
            @Override public List<Entry> assets() throws IOException {
                Path dir = root.resolve("assets");
                if (!Files.isDirectory(dir)) return List.of();
                try (var s = Files.walk(dir)) {
                    List<Entry> out = new ArrayList<>();
                    for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                        out.add(new Entry("/" + root.relativize(p).toString().replace('\\', '/'), Files.size(p),
                                Files.getLastModifiedTime(p).toMillis()));
                    }
                    return out;
                }
            }

            @Override public Entry index() throws IOException {
                Path p = root.resolve("index.html");
                return Files.isRegularFile(p) ? new Entry("/index.html", Files.size(p), Files.getLastModifiedTime(p).toMillis()) : null;
            }

            @Override public String indexText() throws IOException {
                Path p = root.resolve("index.html");
                return Files.isRegularFile(p) ? Files.readString(p) : null;
            }
        };
    }

    /** The web application's own files, through the servlet context (expanded, loose or archived). */
    public static Source servletContext(jakarta.servlet.ServletContext ctx) {
        return new Source() {
            @Override public List<Entry> assets() throws IOException {
                List<Entry> out = new ArrayList<>();
                walk("/assets/", out, 0);
                return out;
            }

            private void walk(String dir, List<Entry> out, int depth) throws IOException {
                Set<String> paths = ctx.getResourcePaths(dir);
                if (paths == null || depth > 16) return;
                for (String p : new TreeSet<>(paths)) {
                    if (p.endsWith("/")) {
                        walk(p, out, depth + 1);
                    } else {
                        Entry e = entry(p);
                        if (e != null) out.add(e);
                    }
                }
            }

            private Entry entry(String p) throws IOException {
                String real = ctx.getRealPath(p);
                if (real != null) {
                    Path f = Path.of(real);
                    if (Files.isRegularFile(f)) return new Entry(p, Files.size(f), Files.getLastModifiedTime(f).toMillis());
                }
                URL u = ctx.getResource(p);
                if (u == null) return null;
                URLConnection c = u.openConnection();
                c.setUseCaches(false);
                try {
                    return new Entry(p, c.getContentLengthLong(), c.getLastModified());
                } finally {
                    try {
                        c.getInputStream().close();
                    } catch (IOException ignored) {
                        // nothing was opened
                    }
                }
            }

            @Override public Entry index() throws IOException {
                return entry("/index.html");
            }

            @Override public String indexText() throws IOException {
                try (InputStream in = ctx.getResourceAsStream("/index.html")) {
                    return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        };
    }

    private static final String ATTR = UiShell.class.getName();

    /** The shell of this web application (one per servlet context). */
    public static UiShell of(jakarta.servlet.ServletContext ctx) {
        Object o = ctx.getAttribute(ATTR);
        if (o instanceof UiShell u) return u;
        synchronized (UiShell.class) {
            o = ctx.getAttribute(ATTR);
            if (o instanceof UiShell u) return u;
            UiShell u = new UiShell(servletContext(ctx), System::currentTimeMillis);
            ctx.setAttribute(ATTR, u);
            return u;
        }
    }
}
