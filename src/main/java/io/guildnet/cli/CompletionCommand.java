package io.guildnet.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mgn completion}: prints a bash/zsh completion script ({@code source <(mgn completion)}). */
@Command(name = "completion", description = "Print the bash/zsh completion script: source <(mgn completion)")
final class CompletionCommand extends Base {
    @Override
    public Integer call() {
        String script = AutoComplete.bash("mgn", new CommandLine(new Main()));
        root().out.print(script);
        root().out.flush();
        return 0;
    }
}
