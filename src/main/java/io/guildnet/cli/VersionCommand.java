package io.guildnet.cli;

import io.guildnet.sdk.GuildNetClient;
import io.guildnet.sdk.GuildNetException;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mgn version}: the CLI's version and, when reachable, the Host App's. */
@Command(name = "version", description = "Print the mgn and Host App versions.")
final class VersionCommand extends Base {
    @Option(names = "--client", description = "Only the CLI's version (no request)") boolean clientOnly;

    @Override
    public Integer call() {
        JsonObjectBuilder b = Json.createObjectBuilder().add("client", GuildNetClient.VERSION)
                .add("java", Runtime.version().toString());
        if (!clientOnly) {
            try {
                b.add("server", gn().health().info().getString("version", "?"));
                b.add("api_url", gn().baseUri().toString());
            } catch (GuildNetException e) {
                b.add("server_error", e.getMessage());
            }
        }
        out().print(b.build());
        return 0;
    }
}
