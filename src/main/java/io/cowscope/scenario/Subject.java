package io.cowscope.scenario;

/** What an expectation looks at. The declared kind of a NAME decides between handle, pipe and process. */
public sealed interface Subject {

    /** {@code PROC.VAR} (every page, index null) or {@code PROC.VAR[i]}. */
    record Page(String proc, String var, Integer index) implements Subject {}

    record Handle(String name) implements Subject {}

    record Pipe(String name) implements Subject {}

    record Process(String name) implements Subject {}

    /** {@code file NAME[i]}: the page-cache content. */
    record File(String name, int index) implements Subject {}

    record Last() implements Subject {}

    record Stats() implements Subject {}

    record Hazard() implements Subject {}
}
