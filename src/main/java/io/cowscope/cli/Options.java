package io.cowscope.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.cowscope.engine.KernelVersion;

/** Parsed command-line options of run and bisect. {@code problem} is a usage error to print (exit 2). */
final class Options {
    final List<String> files = new ArrayList<>();
    List<KernelVersion> kernels; // null = each file's kernel line
    String format = "text";
    boolean steps, quiet, help;
    String problem;

    static Options parse(String[] args, boolean kernelsAllowed, List<String> formats) {
        Options o = new Options();
        for (int i = 0; i < args.length && o.problem == null; i++) {
            String a = args[i], value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "-h": case "--help": o.help = true; break;
                case "--steps": o.steps = true; break;
                case "--quiet": case "-q": o.quiet = true; break;
                case "--format": case "--kernel": case "--kernels": {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            o.problem = a + " needs a value";
                            break;
                        }
                        value = args[++i];
                    }
                    if (a.equals("--format")) {
                        if (!formats.contains(value)) o.problem = "unknown format '" + value + "'; formats: " + String.join(", ", formats);
                        else o.format = value;
                    } else if (!kernelsAllowed) {
                        o.problem = a + " is not an option of this command";
                    } else if (o.kernels != null) {
                        o.problem = "give --kernel or --kernels once";
                    } else if (a.equals("--kernels") && value.equals("all")) {
                        o.kernels = KernelVersion.all();
                    } else {
                        if (a.equals("--kernel") && value.contains(",")) {
                            o.problem = "--kernel takes one version; use --kernels " + value;
                            break;
                        }
                        List<KernelVersion> ks = new ArrayList<>();
                        for (String v : value.split(",")) {
                            Optional<KernelVersion> k = KernelVersion.parse(v.strip());
                            if (k.isEmpty()) {
                                o.problem = "unsupported kernel version '" + v.strip() + "': supported are 4.8-4.20, 5.0-5.19, 6.0-6.18, latest and (for --kernels) all";
                                break;
                            }
                            if (!ks.contains(k.get())) ks.add(k.get());
                        }
                        o.kernels = ks;
                    }
                    break;
                }
                default:
                    if (a.startsWith("-") && !a.equals("-")) o.problem = "unknown option '" + a + "'";
                    else o.files.add(args[i]);
            }
        }
        return o;
    }
}
