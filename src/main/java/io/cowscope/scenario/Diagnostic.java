package io.cowscope.scenario;

/**
 * One problem in a scenario: a stable code (see {@link Code}), a message that says what was expected
 * (and, where a valid word is near, "did you mean …?"), and where: 1-based line and column (UTF-16
 * units, as editors count), and the length of the offending text (at least 1). Line 0 means the whole
 * file (the size limit).
 */
public record Diagnostic(String code, String message, int line, int column, int length) {

    public Diagnostic {
        if (length < 1) length = 1;
        if (column < 1) column = 1;
    }

    static Diagnostic of(Code code, String message, int line, int column, int length) {
        return new Diagnostic(code.id, message, line, column, length);
    }

    /** "LINE:COL: message", the form the CLI prints after the file name. */
    public String brief() {
        return line + ":" + column + ": " + message;
    }

    /** The docs anchor of this code, e.g. {@code docs/scenario-language.md#cow101}. */
    public String docsAnchor() {
        return "docs/scenario-language.md#" + code.toLowerCase(java.util.Locale.ROOT);
    }
}
