package io.guildnet.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;

/** {@code mgn completion}: prints a bash/zsh completion script ({@code source <(mgn completion)}). */
@Command(name = "completion", description = "Print the bash/zsh completion script: source <(mgn completion)")
final class CompletionCommand extends Base {
    @Override
    public Integer call() {
        String script = AutoComplete.bash("mgn", Main.commandLine(new Main(), new String[0]));
        root().out.print(script);
        root().out.flush();
        return 0;
    }
}
