package io.guildnet.it;

import io.guildnet.sdk.GuildNetClient;
import io.guildnet.sdk.rest.ClustersApi;
import java.nio.file.Path;

/**
 * scripts/bench/cli.sh: one new JVM making one {@code GET /api/deploy/clusters} through the SDK,
 * either {@code GuildNetClient} ("sdk") or the MicroProfile Rest Client interface on RESTEasy
 * ("rest"), so their first-call cost can be compared side by side.
 */
public final class SdkFirstCall {
    public static void main(String[] args) throws Exception {
        GuildNetClient.Builder b = GuildNetClient.builder(args[1]).trustGuildNetHome(Path.of(args[2])).trustSystemCertificates(false);
        int n;
        if ("rest".equals(args[0])) {
            try (ClustersApi api = b.restClient(ClustersApi.class)) {
                n = api.list().size();
            }
        } else {
            try (GuildNetClient gn = b.build()) {
                n = gn.clusters().list().size();
            }
        }
        System.out.println(n + " clusters");
        System.exit(0);
    }
}
