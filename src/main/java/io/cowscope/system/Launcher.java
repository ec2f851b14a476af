package io.cowscope.system;

import io.cowscope.cli.ScenarioCommands;
import io.cowscope.engine.EngineInfo;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Collection;
import java.util.OptionalInt;

/**
 * Decides, before Spring starts, what {@code java -jar cowscope.jar ARGS} does: print help or the
 * version, run a scenario subcommand, or (empty result) start the server. Options that start with
 * {@code --} and are not ours, such as {@code --server.port=9000}, go to the server.
 */
public final class Launcher {

    /** Runs one scenario subcommand and returns its exit code; {@link ScenarioCommands#run} in production. */
    @FunctionalInterface
    public interface Subcommands {
        int run(String name, String[] args, PrintStream out, PrintStream err);
    }

    /** exit code for a command line we do not understand */
    public static final int USAGE = 2;

    private final Collection<String> names;
    private final Subcommands subcommands;

    public Launcher(Collection<String> names, Subcommands subcommands) {
        this.names = names;
        this.subcommands = subcommands;
    }

    /** The launcher with the real scenario commands. */
    public static Launcher standard() {
        return new Launcher(ScenarioCommands.NAMES, ScenarioCommands::run);
    }

    /**
     * What to do with {@code args}: an exit code when the command line was handled here (help,
     * version, subcommand, usage error), or empty when the server should start.
     */
    public OptionalInt dispatch(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && names.contains(args[0])) {
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            return OptionalInt.of(subcommands.run(args[0], rest, out, err));
        }
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                out.print(help());
                return OptionalInt.of(0);
            }
            if (arg.equals("--version") || arg.equals("-V")) {
                out.println(version());
                return OptionalInt.of(0);
            }
        }
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                err.println("cowscope: unknown command '" + arg + "'");
                err.print(usage());
                return OptionalInt.of(USAGE);
            }
        }
        return OptionalInt.empty();
    }

    public static String version() {
        return AppVersion.serverName() + " (engine " + EngineInfo.VERSION + ")";
    }

    String usage() {
        return """
                Usage:
                  cowscope [--server.port=N] [--OPTION=VALUE ...]   start the server (default http://localhost:8080)
                  cowscope COMMAND [ARGS ...]                       run a scenario command without the server
                  cowscope --help | --version
                Commands: %s
                """.formatted(String.join(", ", names));
    }

    String help() {
        return """
                %s, a visual explorer of Linux copy-on-write.

                %s
                Scenario commands (no server is started; see docs/cli.md):
                  check    check scenario files for errors
                  run      run a scenario and print what the kernel does, step by step
                  fmt      print scenario files in canonical form
                  bisect   find the kernel version at which a scenario's outcome changes
                  rules    list the engine's rules by kernel version (docs/rules.md)
                  gallery  list the example scenarios; FILE may be gallery:ID, e.g. gallery:dirty-cow
                  practice generate seeded copy-on-write problems, answered by the engine
                  host     run a scenario on this machine's own kernel and compare the model with it

                Server options are Spring Boot properties, e.g. --server.port=9000 or
                --cowscope.ws.allowed-origins=https://example.org
                """.formatted(version(), usage());
    }
}
