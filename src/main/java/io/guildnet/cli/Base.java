package io.guildnet.cli;

import io.guildnet.sdk.GuildNetClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every command has: the root's settings, output and client. */
abstract class Base implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    Main root() { return (Main) spec.root().userObject(); }

    Output out() { return root().out(); }

    GuildNetClient gn() { return root().client(); }

    /** {@code [CLUSTER] A B…}: the cluster is optional when the other arguments are given. */
    String[] split(List<String> args, int rest, String usage) {
        if (args.size() < rest || args.size() > rest + 1) throw new IllegalArgumentException("usage: " + usage);
        String[] r = new String[rest + 1];
        int off = args.size() - rest;
        r[0] = root().cluster(off == 1 ? args.get(0) : null);
        for (int i = 0; i < rest; i++) r[i + 1] = args.get(off + i);
        return r;
    }
}
