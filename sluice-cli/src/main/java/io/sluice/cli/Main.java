package io.sluice.cli;

import io.sluice.SluiceException;
import io.sluice.yaml.PipelineException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sluice} command. Exit codes: 0 success, 1 the graph failed while running or its pipeline file is invalid,
 * 2 a usage mistake (unknown command, option or name).
 */
@Command(
        name = "sluice",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Define computational graphs over streams and batches; run them in-process or on Kafka.",
        subcommands = {
            PipelineCommands.Validate.class,
            PipelineCommands.Run.class,
            PipelineCommands.Graph.class,
            DeployCommand.class,
            GenerateCommand.class,
            ApplyCommand.class,
            CompletionCommand.class,
            ExampleCommand.class,
            StatusCommand.class,
            ScaleCommand.class,
            ResultsCommand.class,
            StateCommand.class,
            ServeCommand.class,
            WorkerCommand.class,
            KafkaCommand.class,
            S3Command.class,
            CloudCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main {

    /** The graph failed while running, or the pipeline file is invalid. */
    static final int EXIT_FAILED = 1;

    /** The command line was wrong. */
    static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with Sluice's error handling: a user's mistake is one clear line, not a stack trace. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        // A pipeline file's problems are invalid input, not a usage mistake, whatever exception a layer below chose.
        commandLine.setExitCodeExceptionMapper(e -> e instanceof PipelineException
                ? EXIT_FAILED
                : e instanceof IllegalArgumentException || e instanceof CommandLine.ParameterException
                        ? EXIT_USAGE
                        : EXIT_FAILED);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println(cmd.getColorScheme().errorText("sluice: " + message(e)));
            err.flush();
            return cmd.getExitCodeExceptionMapper().getExitCode(e);
        });
        return commandLine;
    }

    private static String message(Exception e) {
        if (e instanceof SluiceException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"sluice " + (version == null ? "(development build)" : version)};
        }
    }
}
