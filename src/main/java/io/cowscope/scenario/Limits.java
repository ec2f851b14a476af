package io.cowscope.scenario;

/**
 * The static limits (R8, A20). {@link #DEFAULT} is the spec's; a server may lower any of them by
 * configuration (never raise: the constructor refuses), and the error message always names the number.
 */
public record Limits(int maxBytes, int maxStatements, int maxProcesses, int maxPages, int maxHandlesAndPipes) {

    public static final Limits DEFAULT = new Limits(64 * 1024, 2000, 64, 1 << 20, 256);

    public Limits {
        check("maxBytes", maxBytes, 64 * 1024);
        check("maxStatements", maxStatements, 2000);
        check("maxProcesses", maxProcesses, 64);
        check("maxPages", maxPages, 1 << 20);
        check("maxHandlesAndPipes", maxHandlesAndPipes, 256);
    }

    private static void check(String name, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(name + " must be between 1 and " + max + ", not " + value);
        }
    }

    public Limits withMaxBytes(int v) { return new Limits(v, maxStatements, maxProcesses, maxPages, maxHandlesAndPipes); }
    public Limits withMaxStatements(int v) { return new Limits(maxBytes, v, maxProcesses, maxPages, maxHandlesAndPipes); }
    public Limits withMaxProcesses(int v) { return new Limits(maxBytes, maxStatements, v, maxPages, maxHandlesAndPipes); }
    public Limits withMaxPages(int v) { return new Limits(maxBytes, maxStatements, maxProcesses, v, maxHandlesAndPipes); }
    public Limits withMaxHandlesAndPipes(int v) { return new Limits(maxBytes, maxStatements, maxProcesses, maxPages, v); }
}
