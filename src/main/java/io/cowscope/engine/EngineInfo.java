package io.cowscope.engine;

/** Identity of the simulation engine, shown by the page and the CLI. */
public final class EngineInfo {
    /** bumped whenever a rule's outcome changes */
    public static final String VERSION = "0.1.0";

    private EngineInfo() {
    }
}
