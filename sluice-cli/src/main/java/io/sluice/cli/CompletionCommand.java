package io.sluice.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice completion}: a bash/zsh completion script; {@code source <(sluice completion)}. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = "Print a bash/zsh completion script for sluice; load it with: source <(sluice completion)")
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash("sluice", root));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
