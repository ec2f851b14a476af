package io.cowscope.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

import io.cowscope.scenario.Diagnostic;
import io.cowscope.scenario.Gallery;
import io.cowscope.scenario.Limits;
import io.cowscope.scenario.Printer;
import io.cowscope.scenario.ScenarioLanguage;

/**
 * The scenario subcommands, run without a web server: {@code check}, {@code run}, {@code fmt},
 * {@code bisect}, {@code rules}, {@code gallery}, {@code practice}, {@code host} (docs/cli.md, docs/host.md). Exit codes: 0 success (valid / every expectation passed), 1 an
 * expectation failed, 2 errors (usage, unreadable file, scenario errors, run-time errors).
 */
public final class ScenarioCommands {
    public static final List<String> NAMES = List.of("check", "run", "fmt", "bisect", "rules", "gallery", "practice", "host");

    static final int OK = 0, FAILED = 1, ERROR = 2;

    private ScenarioCommands() {
    }

    /** Runs subcommand {@code name} with its arguments; returns the process exit code. */
    public static int run(String name, String[] args, PrintStream out, PrintStream err) {
        return run(name, args, System.in, out, err);
    }

    /** As {@link #run(String, String[], PrintStream, PrintStream)} with stdin given (for "-" and tests). */
    public static int run(String name, String[] args, InputStream in, PrintStream out, PrintStream err) {
        try {
            switch (name) {
                case "check": return check(args, in, out, err);
                case "fmt": return fmt(args, in, out, err);
                case "run": return RunCommand.run(args, in, out, err);
                case "bisect": return BisectCommand.run(args, in, out, err);
                case "rules": return RulesCommand.run(args, out, err);
                case "gallery": return gallery(args, out, err);
                case "practice": return PracticeCommand.run(args, in, out, err);
                case "host": return HostCommand.run(args, in, out, err);
                default:
                    err.println("cowscope: unknown command '" + name + "'; commands: " + String.join(", ", NAMES));
                    return ERROR;
            }
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            err.println("cowscope " + name + ": internal error: " + e);
            return ERROR;
        }
    }

    static boolean wantsHelp(String[] args) {
        for (String a : args) if (a.equals("--help") || a.equals("-h")) return true;
        return false;
    }

    static final String CHECK_HELP = String.join("\n",
            "usage: cowscope check FILE...",
            "",
            "Checks .cow scenarios without running them: syntax, names, indexes, versions, limits.",
            "Each error is printed as FILE:LINE:COL: message [CODE], then the line and a caret.",
            "FILE may be '-' for standard input, or gallery:ID for a scenario of the gallery",
            "('cowscope gallery' lists them).",
            "",
            "Exit status: 0 every file is valid, 2 errors (or a file cannot be read).",
            "",
            "examples:",
            "  cowscope check gallery:dirty-cow",
            "  cowscope check *.cow",
            "  cat my.cow | cowscope check -",
            "");

    static int check(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (wantsHelp(args)) {
            out.print(CHECK_HELP);
            return OK;
        }
        if (args.length == 0) {
            err.print(CHECK_HELP);
            return ERROR;
        }
        int status = OK;
        for (String a : args) {
            if (a.startsWith("--") ) {
                err.println("cowscope check: unknown option '" + a + "'");
                return ERROR;
            }
        }
        for (String a : args) {
            SourceFile f = read(a, in, err, "check");
            if (f == null) {
                status = ERROR;
                continue;
            }
            ScenarioLanguage.Checked c = f.check(Limits.DEFAULT);
            if (c.ok()) {
                out.println(f.name() + ": ok (" + c.scenario().statements().size() + " statements)");
            } else {
                for (Diagnostic d : c.diagnostics()) out.print(f.render(d));
                int n = c.diagnostics().size();
                out.println(f.name() + ": " + n + " error" + (n == 1 ? "" : "s"));
                status = ERROR;
            }
        }
        return status;
    }

    static final String FMT_HELP = String.join("\n",
            "usage: cowscope fmt FILE",
            "",
            "Prints the scenario in canonical form on standard output: header first in the spec's",
            "order, one space between words, keywords in the spec's order, defaults left out;",
            "comments are kept. FILE may be '-' for standard input, or gallery:ID. The file is not changed.",
            "",
            "Exit status: 0 printed, 2 the scenario has errors (printed on standard error).",
            "",
            "examples:",
            "  cowscope fmt my.cow",
            "  cowscope fmt my.cow > tidy.cow",
            "  cowscope fmt - < my.cow",
            "");

    static int fmt(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (wantsHelp(args)) {
            out.print(FMT_HELP);
            return OK;
        }
        if (args.length != 1 || (args[0].startsWith("--"))) {
            err.print(FMT_HELP);
            return ERROR;
        }
        SourceFile f = read(args[0], in, err, "fmt");
        if (f == null) return ERROR;
        ScenarioLanguage.Checked c = f.check(Limits.DEFAULT);
        if (!c.ok()) {
            for (Diagnostic d : c.diagnostics()) err.print(f.render(d));
            return ERROR;
        }
        out.print(Printer.print(c.scenario()));
        return OK;
    }

    static final String GALLERY_HELP = String.join("\n",
            "usage: cowscope gallery",
            "",
            "Lists the example scenarios shipped with cowscope (the page's gallery): each id, its",
            "kernel and title. Every command that takes FILE takes gallery:ID too.",
            "",
            "Exit status: 0 listed, 2 a usage error.",
            "",
            "examples:",
            "  cowscope gallery",
            "  cowscope run gallery:dirty-cow",
            "  cowscope bisect gallery:cve-2020-29374-vmsplice",
            "");

    static int gallery(String[] args, PrintStream out, PrintStream err) {
        if (wantsHelp(args)) {
            out.print(GALLERY_HELP);
            return OK;
        }
        if (args.length > 0) {
            err.println("cowscope gallery: takes no arguments");
            err.print(GALLERY_HELP);
            return ERROR;
        }
        List<Gallery.Entry> es = Gallery.load().entries();
        int w = 0;
        for (Gallery.Entry e : es) w = Math.max(w, e.id().length());
        for (Gallery.Entry e : es) {
            ScenarioLanguage.Checked c = e.check();
            String kernel = c.ok() ? String.valueOf(c.scenario().header().kernelVersion()) : "?";
            out.println(SourceFile.GALLERY + e.id() + " ".repeat(w - e.id().length()) + "  " + pad(kernel, 5) + "  " + e.title());
        }
        out.println(es.size() + " scenarios; run one with: cowscope run gallery:ID");
        return OK;
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    static SourceFile read(String arg, InputStream in, PrintStream err, String cmd) {
        try {
            return SourceFile.read(arg, in);
        } catch (IOException | RuntimeException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
            err.println("cowscope " + cmd + ": " + arg + ": cannot read: " + why);
            return null;
        }
    }
}
