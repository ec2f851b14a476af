package io.cowscope.cli;

import java.io.InputStream;
import java.io.PrintStream;

final class BisectCommand {
    private BisectCommand() {
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        err.println("cowscope bisect: not implemented yet");
        return 2;
    }
}
