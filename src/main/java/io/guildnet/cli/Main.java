package io.guildnet.cli;

import io.guildnet.sdk.ConnectionException;
import io.guildnet.sdk.ForbiddenException;
import io.guildnet.sdk.GuildNetClient;
import io.guildnet.sdk.GuildNetException;
import io.guildnet.sdk.NotFoundException;
import io.guildnet.sdk.UnauthorizedException;
import io.guildnet.sdk.UnavailableException;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code mgn}: the GuildNet command line (see docs/cli.md). */
@Command(name = "mgn", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Script the GuildNet Host App: install, verify, clusters, workspaces, databases, jobs.",
        footer = {"", "Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 unauthorized/forbidden, 5 Host App unreachable/unavailable;",
                "verify: 0 pass, 1 warn, 2 fail."})
public final class Main {

    public static final int OK = 0, ERROR = 1, USAGE = 2, NOT_FOUND = 3, DENIED = 4, UNREACHABLE = 5;

    /** The top-level commands, in help order. */
    static final List<Class<?>> COMMANDS = List.of(InstallCommand.class, VerifyCommand.class, ClusterCommand.class, WorkspaceCommand.class,
            DbCommand.class, JobCommand.class, ApplyCommand.class, VizCommand.class, VersionCommand.class, ConfigCommand.class,
            CompletionCommand.class);
    /** Root options that take a value (to find the command word in the arguments). */
    static final Set<String> VALUE_OPTIONS = Set.of("--api-url", "--token", "--config", "-o", "--format", "--color", "--ca-file",
            "--guildnet-home", "--request-timeout", "--retries");

    @Option(names = "--api-url", scope = ScopeType.INHERIT, description = "Host App URL (MGN_API_URL; default https://127.0.0.1:8090)")
    String apiUrl;
    @Option(names = "--token", scope = ScopeType.INHERIT, description = "API token (MGN_API_TOKEN); loopback callers need none")
    String token;
    @Option(names = "--config", scope = ScopeType.INHERIT, description = "Config file (MGN_CONFIG; default ~/.metaguildnet/config.yaml)")
    Path config;
    @Option(names = {"-o", "--format"}, scope = ScopeType.INHERIT, description = "table, json or yaml (MGN_FORMAT)")
    String format;
    @Option(names = "--color", scope = ScopeType.INHERIT, description = "auto, always or never (MGN_COLOR)")
    String color;
    @Option(names = "--no-color", scope = ScopeType.INHERIT, description = "Same as --color never")
    boolean noColor;
    @Option(names = "--ca-file", scope = ScopeType.INHERIT, description = "Extra trusted certificates, PEM (MGN_CA_FILE)")
    String caFile;
    @Option(names = "--guildnet-home", scope = ScopeType.INHERIT,
            description = "Trust this Host App home's certificate (MGN_GUILDNET_HOME, GUILDNET_HOME; default ~/.guildnet)")
    String guildnetHome;
    @Option(names = "--request-timeout", scope = ScopeType.INHERIT, description = "Request timeout, e.g. 30s (MGN_TIMEOUT)")
    String timeout;
    @Option(names = "--retries", scope = ScopeType.INHERIT, description = "Retries on 503/connect failures (MGN_RETRIES; default 3)")
    String retries;

    // set by execute()
    Map<String, String> env;
    Path userHome;
    PrintStream out;
    PrintStream err;
    boolean tty;

    private CliConfig cfg;
    private Output output;
    private GuildNetClient client;

    CliConfig config() {
        if (cfg == null) {
            Map<String, String> flags = new LinkedHashMap<>();
            flags.put("api_url", apiUrl);
            flags.put("token", token);
            flags.put("format", format);
            flags.put("color", noColor ? "never" : color);
            flags.put("ca_file", caFile);
            flags.put("guildnet_home", guildnetHome);
            flags.put("timeout", timeout);
            flags.put("retries", retries);
            cfg = CliConfig.resolve(env, userHome, config, flags);
        }
        return cfg;
    }

    Output out() {
        if (output == null) {
            String c = config().get("color");
            boolean on = "always".equals(c) || ("auto".equals(c) && tty && env.get("NO_COLOR") == null);
            output = new Output(out, config().get("format"), on);
        }
        return output;
    }

    GuildNetClient client() {
        if (client == null) {
            CliConfig c = config();
            java.time.Duration t = CliConfig.duration(c.get("timeout"));
            GuildNetClient.Builder b = GuildNetClient.builder(c.get("api_url")).token(c.get("token"))
                    .requestTimeout(t).connectTimeout(t.compareTo(java.time.Duration.ofSeconds(10)) < 0 ? t : java.time.Duration.ofSeconds(10))
                    .maxRetries(Integer.parseInt(c.get("retries"))).userAgent("mgn/" + GuildNetClient.VERSION)
                    .trustGuildNetHome(Path.of(c.get("guildnet_home")));
            if (c.get("ca_file") != null) b.trustCertificates(Path.of(c.get("ca_file")));
            client = b.build();
        }
        return client;
    }

    /** The cluster to use: the given one, else the configured default; none: a usage error. */
    String cluster(String given) {
        if (given != null && !given.isEmpty()) return given;
        String d = config().get("cluster");
        if (d == null || d.isEmpty()) {
            throw new IllegalArgumentException("no cluster given and no default cluster (MGN_DEFAULT_CLUSTER or clusters.default in the config file)");
        }
        return d;
    }

    /** For jobs: the given cluster, else the configured default, else the Host App's own ({@code host-default}). */
    String jobCluster(String given) {
        if (given != null && !given.isEmpty()) return given;
        String d = config().get("cluster");
        return d == null || d.isEmpty() ? "host-default" : d;
    }

    void close() {
        if (client != null) client.close();
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err, System.getenv(), Path.of(System.getProperty("user.home")), System.console() != null));
    }

    /** Runs one command line; returns the exit code (nothing calls System.exit here, so tests can call it). */
    public static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Path userHome, boolean tty) {
        Main root = new Main();
        root.env = env;
        root.userHome = userHome;
        root.out = out;
        root.err = err;
        root.tty = tty;
        CommandLine cl = commandLine(root, args);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(tty ? CommandLine.Help.Ansi.AUTO : CommandLine.Help.Ansi.OFF));
        cl.setExecutionExceptionHandler((ex, line, parsed) -> root.fail(ex));
        try {
            return cl.execute(args);
        } finally {
            root.close();
        }
    }

    /**
     * The command line with only the command group the arguments name (building picocli's model of
     * every command by reflection costs 0.25-0.4 s of a run); all of them for help, completion and
     * unknown words.
     */
    static CommandLine commandLine(Main root, String[] args) {
        CommandLine cl = new CommandLine(root);
        Class<?> only = selected(args);
        for (Class<?> c : only == null ? COMMANDS : List.of(only)) cl.addSubcommand(c);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    static Class<?> selected(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) return null;
            if (a.startsWith("-")) {
                if (!a.contains("=") && VALUE_OPTIONS.contains(a)) i++;
                continue;
            }
            for (Class<?> c : COMMANDS) {
                Command cmd = c.getAnnotation(Command.class);
                if (cmd.name().equals(a) || List.of(cmd.aliases()).contains(a)) return c;
            }
            return null;
        }
        return null;
    }

    /** Prints an error (never a secret: messages come from the server's error bodies) and picks the exit code. */
    int fail(Exception ex) {
        if (ex instanceof GuildNetException g) {
            boolean json = output != null ? !output.isTable() : "json".equals(format) || "yaml".equals(format);
            if (json) {
                JsonObjectBuilder b = Json.createObjectBuilder().add("code", g.code() == null ? "error" : g.code())
                        .add("message", String.valueOf(g.getMessage())).add("status", g.status());
                if (g.requestId() != null) b.add("request_id", g.requestId());
                if (g.details() != null) b.add("details", Output.redact(g.details()));
                err.println(b.build());
            } else {
                err.println("error: " + g.getMessage() + " (" + (g.status() > 0 ? g.status() + " " : "") + g.code()
                        + (g.requestId() != null ? ", request_id " + g.requestId() : "") + ")");
            }
            if (g instanceof NotFoundException) return NOT_FOUND;
            if (g instanceof UnauthorizedException || g instanceof ForbiddenException) return DENIED;
            if (g instanceof ConnectionException || g instanceof UnavailableException) return UNREACHABLE;
            return ERROR;
        }
        if (ex instanceof IllegalArgumentException || ex instanceof CommandLine.ParameterException) {
            err.println("error: " + ex.getMessage());
            return USAGE;
        }
        err.println("error: " + ex);
        return ERROR;
    }

    /** Version for {@code --version}. */
    public static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mgn " + GuildNetClient.VERSION};
        }
    }
}
