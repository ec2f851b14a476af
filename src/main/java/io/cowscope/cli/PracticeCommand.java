package io.cowscope.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.cowscope.engine.KernelVersion;
import io.cowscope.scenario.Practice;

/**
 * {@code cowscope practice --seed N [--count K] [--kernel V] [--emit DIR] [--answers]}: seeded practice
 * problems (docs/cli.md). Printed without answers unless --answers; --emit writes each as a .cow file
 * whose expectations are the engine's answers, so {@code cowscope run} passes it at its kernel.
 */
final class PracticeCommand {

    static final String HELP = String.join("\n",
            "usage: cowscope practice --seed N [--count K] [--kernel V] [--emit DIR] [--answers]",
            "",
            "Generates K small random copy-on-write problems (default 5) at kernel V (default latest):",
            "a fork, writes, pins, pipes, and a question before the last step -- the refcount or",
            "mapcount of a page after it, whether pagemap bit 56 is set, whether the step faults,",
            "copy or reuse. The engine answers at V. The same seed gives the same problems.",
            "",
            "  --seed N      any integer (required)",
            "  --count K     1.." + Practice.MAX_COUNT + " problems",
            "  --kernel V    4.8 .. 6.18 or latest",
            "  --emit DIR    write practice-N-KK.cow files: the ask, then the engine's answer as",
            "                expectations ('cowscope run DIR/*.cow' passes at V)",
            "  --answers     print the answers too (like OSTEP's -c)",
            "",
            "Exit status: 0 done, 2 usage error or a file cannot be written.",
            "",
            "examples:",
            "  cowscope practice --seed 42",
            "  cowscope practice --seed 42 --count 3 --kernel 5.7 --answers",
            "  cowscope practice --seed 7 --kernel 5.7 --emit problems && cowscope run problems/*.cow",
            "");

    private PracticeCommand() {
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Long seed = null;
        int count = 5;
        KernelVersion kernel = KernelVersion.LATEST;
        Path emit = null;
        boolean answers = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i], value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "-h": case "--help":
                    out.print(HELP);
                    return ScenarioCommands.OK;
                case "--answers":
                    answers = true;
                    continue;
                case "--seed": case "--count": case "--kernel": case "--emit":
                    if (value == null) {
                        if (i + 1 >= args.length) return usage(err, a + " needs a value");
                        value = args[++i];
                    }
                    break;
                default:
                    return usage(err, "unknown option or argument '" + args[i] + "'");
            }
            switch (a) {
                case "--seed":
                    try {
                        seed = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return usage(err, "--seed needs an integer, not '" + value + "'");
                    }
                    break;
                case "--count":
                    try {
                        count = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        count = -1;
                    }
                    if (count < 1 || count > Practice.MAX_COUNT) return usage(err, "--count needs 1.." + Practice.MAX_COUNT + ", not '" + value + "'");
                    break;
                case "--kernel": {
                    Optional<KernelVersion> k = KernelVersion.parse(value);
                    if (k.isEmpty()) return usage(err, "unsupported kernel version '" + value + "': supported are 4.8-4.20, 5.0-5.19, 6.0-6.18 and latest");
                    kernel = k.get();
                    break;
                }
                default:
                    emit = Path.of(value);
            }
        }
        if (seed == null) return usage(err, "--seed N is required (the same seed gives the same problems)");
        List<Practice.Problem> problems = Practice.generate(seed, count, kernel);
        for (Practice.Problem p : problems) {
            out.println("Problem " + p.number() + " (seed " + p.seed() + ", kernel " + p.kernel() + ")");
            for (String line : p.text().split("\n")) {
                if (line.startsWith("#") || line.startsWith("expect") || line.startsWith("title") || line.startsWith("kernel") || line.isEmpty()) continue;
                if (line.startsWith("ask ")) {
                    out.println("  ?? " + p.prompt() + (p.options().isEmpty() ? "" : " [" + String.join(" / ", p.options()) + "]"));
                } else {
                    out.println("  " + line);
                }
            }
            if (answers) {
                out.println("  => " + p.shown() + (p.explanation() != null && p.explanation().cite() != null ? "  [" + p.explanation().cite() + "]" : ""));
            }
            out.println();
        }
        if (emit != null) {
            try {
                Files.createDirectories(emit);
                for (Practice.Problem p : problems) {
                    Path f = emit.resolve(p.fileName());
                    Files.writeString(f, p.text(), StandardCharsets.UTF_8);
                }
            } catch (IOException | RuntimeException e) {
                err.println("cowscope practice: cannot write to " + emit + ": " + e.getMessage());
                return ScenarioCommands.ERROR;
            }
            out.println("wrote " + problems.size() + " file" + (problems.size() == 1 ? "" : "s") + " to " + emit
                    + " (check them: cowscope run " + emit + "/*.cow)");
        }
        return ScenarioCommands.OK;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("cowscope practice: " + problem);
        err.print(HELP);
        return ScenarioCommands.ERROR;
    }
}
