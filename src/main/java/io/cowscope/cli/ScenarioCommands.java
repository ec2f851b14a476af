package io.cowscope.cli;

import java.io.PrintStream;

/**
 * The scenario subcommands (check, run, fmt, bisect), run without a web server. Placeholder until
 * the scenario language lands: it owns this class.
 */
public final class ScenarioCommands {
    public static final java.util.List<String> NAMES = java.util.List.of("check", "run", "fmt", "bisect");

    private ScenarioCommands() {
    }

    /** Runs subcommand {@code name} with its arguments; returns the process exit code. */
    public static int run(String name, String[] args, PrintStream out, PrintStream err) {
        err.println("cowscope " + name + ": not implemented yet");
        return 2;
    }
}
