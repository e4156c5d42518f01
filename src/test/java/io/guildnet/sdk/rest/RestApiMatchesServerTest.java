package io.guildnet.sdk.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.api.GuildNetApi;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.MatrixParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SDK's MicroProfile Rest Client interfaces cannot drift from the server: every interface method
 * must name a JAX-RS resource method of the Host App with the same verb and path, whose query
 * parameters include the ones sent, which takes a body exactly when one is sent, whose media types
 * accept what is sent and produce what is asked for, and whose declared answer type (JSON object or
 * array) is the one the interface reads. The resources are found by scanning the server's classes.
 */
class RestApiMatchesServerTest {

    static final List<Class<?>> APIS = List.of(ClustersApi.class, WorkspacesApi.class, DatabasesApi.class, JobsApi.class, HostApi.class);
    static final List<Route> SERVER = new ArrayList<>();

    record Route(String verb, String path, Method method, Class<?> resource) {
        @Override public String toString() { return verb + " " + path + " (" + resource.getSimpleName() + "." + method.getName() + ")"; }
    }

    @BeforeAll
    static void scanServer() throws Exception {
        String root = "/" + GuildNetApi.class.getAnnotation(ApplicationPath.class).value();
        java.nio.file.Path classes = java.nio.file.Path.of(GuildNetApi.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        java.nio.file.Path base = classes.resolve("io/guildnet");
        try (Stream<java.nio.file.Path> files = Files.walk(base)) {
            for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String rel = classes.relativize(f).toString().replace('/', '.');
                String name = rel.substring(0, rel.length() - ".class".length());
                if (name.startsWith("io.guildnet.sdk.") || name.startsWith("io.guildnet.cli.")) continue;
                Class<?> c = Class.forName(name, false, RestApiMatchesServerTest.class.getClassLoader());
                Path cp = c.getAnnotation(Path.class);
                if (cp == null || c.isInterface()) continue; // interfaces with @Path are clients (HeadscaleApi)
                for (Method m : c.getMethods()) {
                    String verb = verb(m);
                    if (verb == null) continue;
                    Path mp = m.getAnnotation(Path.class);
                    SERVER.add(new Route(verb, normalize(root + "/" + cp.value() + "/" + (mp == null ? "" : mp.value())), m, c));
                }
            }
        }
        assertTrue(SERVER.size() > 50, "the server's resources were found: " + SERVER.size());
    }

    @Test
    void everyInterfaceMethodIsAServerRouteWithTheSameParametersBodyAndMediaTypes() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Class<?> api : APIS) {
            checked += (int) Arrays.stream(api.getMethods()).filter(m -> verb(m) != null).count();
            problems.addAll(problems(api));
        }
        assertTrue(checked >= 35, "interface methods checked: " + checked);
        assertEquals(List.of(), problems, "SDK Rest Client interfaces that drifted from the server");
    }

    @Test
    void theCheckSeesEveryKindOfDrift() {
        List<String> found = problems(Drifted.class).stream().map(p -> p.substring(0, p.indexOf(':'))).sorted().toList();
        assertEquals(List.of("Drifted.acceptsCsvFromJson", "Drifted.listAsObject", "Drifted.misspelledQuery", "Drifted.noSuchRoute",
                "Drifted.sendsTextToJson", "Drifted.stopWithBody", "Drifted.unfilledPathParam"), found);
    }

    interface Drifted {
        @jakarta.ws.rs.GET @Path("/api/deploy/cluster") JsonArray noSuchRoute();
        @jakarta.ws.rs.GET @Path("/api/deploy/clusters") JsonObject listAsObject();
        @jakarta.ws.rs.GET @Path("/api/batch/executions") JsonArray misspelledQuery(@QueryParam("clusters") String c);
        @jakarta.ws.rs.POST @Path("/api/batch/executions/{id}/stop") JsonObject stopWithBody(@PathParam("id") long id, JsonObject body);
        @jakarta.ws.rs.GET @Path("/api/batch/executions/{id}") JsonObject unfilledPathParam(@PathParam("execution") long id);
        @jakarta.ws.rs.PUT @Path("/api/settings/cluster/{id}") @Consumes("text/plain") JsonObject sendsTextToJson(@PathParam("id") String id, String b);
        @jakarta.ws.rs.GET @Path("/api/deploy/clusters") @Produces("text/csv") JsonArray acceptsCsvFromJson();
    }

    /** Everything about {@code api}'s methods that does not match the server, one line each ("Api.method: …"). */
    static List<String> problems(Class<?> api) {
        List<String> problems = new ArrayList<>();
        for (Method m : api.getMethods()) {
            String verb = verb(m);
            if (verb == null) continue;
            String where = api.getSimpleName() + "." + m.getName();
            String path = normalize(m.getAnnotation(Path.class).value());
            List<Route> same = SERVER.stream().filter(r -> r.verb.equals(verb) && r.path.equals(path)).toList();
            if (same.size() != 1) {
                problems.add(where + ": " + verb + " " + path + " matches " + same.size() + " server routes " + same);
                continue;
            }
            Route r = same.get(0);
            Set<String> serverQuery = queryParams(r);
            for (String q : names(m, QueryParam.class)) {
                if (!serverQuery.contains(q)) problems.add(where + ": sends ?" + q + " which " + r + " does not read");
            }
            Set<String> pathNames = new HashSet<>(templateNames(m.getAnnotation(Path.class).value()));
            if (!pathNames.equals(new HashSet<>(names(m, PathParam.class)))) {
                problems.add(where + ": path parameters " + names(m, PathParam.class) + " do not fill " + pathNames);
            }
            boolean sends = entity(m) != null;
            boolean takes = entity(r.method) != null;
            if (sends != takes) problems.add(where + (sends ? ": sends a body " : ": sends no body ") + "but " + r + (takes ? " reads one" : " reads none"));
            if (sends) {
                List<String> mine = media(m, Consumes.class);
                List<String> theirs = media(r.method, Consumes.class);
                if (mine.stream().noneMatch(t -> accepts(theirs, t))) problems.add(where + ": sends " + mine + ", " + r + " consumes " + theirs);
            }
            List<String> wants = media(m, Produces.class);
            List<String> gives = media(r.method, Produces.class);
            if (wants.stream().noneMatch(t -> accepts(gives, t))) problems.add(where + ": accepts " + wants + ", " + r + " produces " + gives);
            Class<?> answer = r.method.getReturnType();
            if ((answer == JsonObject.class || answer == JsonArray.class) && m.getReturnType() != answer
                    && m.getReturnType() != JsonValue.class && m.getReturnType() != String.class) {
                problems.add(where + ": reads " + m.getReturnType().getSimpleName() + ", " + r + " answers " + answer.getSimpleName());
            }
        }
        return problems;
    }

    // ---- helpers

    static String verb(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
            if (h != null) return h.value();
        }
        return null;
    }

    /** "/api//cluster/{id: [a-z]+}/db/" → "/api/cluster/{}/db". */
    static String normalize(String p) {
        String s = ("/" + p).replaceAll("\\{\\s*[A-Za-z0-9_]+\\s*(:[^}]*)?}", "{}").replaceAll("/+", "/");
        return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    static List<String> templateNames(String p) {
        List<String> out = new ArrayList<>();
        var mt = java.util.regex.Pattern.compile("\\{\\s*([A-Za-z0-9_]+)").matcher(p);
        while (mt.find()) out.add(mt.group(1));
        return out;
    }

    static List<String> names(Method m, Class<? extends Annotation> kind) {
        List<String> out = new ArrayList<>();
        for (Parameter p : m.getParameters()) {
            Annotation a = p.getAnnotation(kind);
            if (a instanceof QueryParam q) out.add(q.value());
            if (a instanceof PathParam q) out.add(q.value());
        }
        return out;
    }

    /** Query parameters a route reads: its method's parameters and its resource's fields. */
    static Set<String> queryParams(Route r) {
        Set<String> out = new HashSet<>(names(r.method, QueryParam.class));
        for (Class<?> c = r.resource; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                QueryParam q = f.getAnnotation(QueryParam.class);
                if (q != null) out.add(q.value());
            }
        }
        return out;
    }

    static final Set<Class<? extends Annotation>> NOT_BODY = Set.of(PathParam.class, QueryParam.class, HeaderParam.class, CookieParam.class,
            MatrixParam.class, FormParam.class, BeanParam.class, Context.class, Suspended.class);

    static Parameter entity(Method m) {
        for (Parameter p : m.getParameters()) {
            if (Arrays.stream(p.getAnnotations()).noneMatch(a -> NOT_BODY.contains(a.annotationType()))) return p;
        }
        return null;
    }

    /** The media types of a method: its own annotation, else its class's, else any. */
    static List<String> media(Method m, Class<? extends Annotation> kind) {
        Annotation a = m.getAnnotation(kind);
        if (a == null) a = m.getDeclaringClass().getAnnotation(kind);
        if (a == null) return List.of(MediaType.WILDCARD);
        return Arrays.asList(a instanceof Consumes c ? c.value() : ((Produces) a).value());
    }

    static boolean accepts(List<String> declared, String type) {
        MediaType t = MediaType.valueOf(type);
        return declared.stream().map(MediaType::valueOf).anyMatch(d -> d.isCompatible(t));
    }
}
