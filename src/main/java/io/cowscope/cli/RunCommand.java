package io.cowscope.cli;

import java.io.InputStream;
import java.io.PrintStream;

final class RunCommand {
    private RunCommand() {
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        err.println("cowscope run: not implemented yet");
        return 2;
    }
}
