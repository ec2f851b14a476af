package io.cowscope.scenario;

/**
 * Stable diagnostic codes. Never renumber: the docs (docs/scenario-language.md#cowNNN), editor
 * markers and tests refer to them. 0xx lexical, 1xx syntax, 2xx semantic, 3xx limits, 4xx run time.
 */
public enum Code {
    UNEXPECTED_CHARACTER("COW001"),
    UNTERMINATED_STRING("COW002"),
    BAD_ESCAPE("COW003"),
    CONTROL_CHARACTER("COW004"),
    NOT_UTF8("COW005"),
    BAD_NUMBER("COW006"),
    STRING_TOO_LONG("COW007"),

    EXPECTED("COW100"),
    UNKNOWN_OPERATION("COW101"),
    UNKNOWN_STATEMENT("COW102"),
    HEADER_AFTER_BODY("COW103"),
    DUPLICATE_MODIFIER("COW104"),
    UNKNOWN_WORD("COW105"),
    RESERVED_NAME("COW106"),
    TRAILING_INPUT("COW107"),

    UNKNOWN_NAME("COW200"),
    REDECLARED("COW201"),
    WRONG_KIND("COW202"),
    INDEX_OUT_OF_RANGE("COW203"),
    BAD_VERSION("COW204"),
    EMPTY_RANGE("COW205"),
    RELEASED_HANDLE("COW206"),
    EXITED_PROCESS("COW207"),
    HOOK_RESTRICTION("COW208"),
    OUT_OF_RANGE("COW209"),
    BAD_SIZE("COW210"),
    REPEATED_HEADER("COW211"),
    CONFLICT("COW212"),
    BLOCKED_PROCESS("COW213"),
    /** ask: choices given where they are fixed, of the wrong type, repeated, fewer than 2 or more than 8 */
    ASK_CHOICES("COW214"),
    /** ask: a question about a mapping of several pages names no page */
    ASK_ONE_PAGE("COW215"),
    /** ask: no step follows the question */
    ASK_NO_STEP("COW216"),
    /** lesson: "ask at LINE" where LINE is not an operation of the part's scenario; "ask before \"…\"" that not exactly one operation reads */
    LESSON_NOT_A_STEP("COW217"),
    /** lesson: a missing title, a part without a scenario, a lesson without parts, a statement out of place */
    LESSON_STRUCTURE("COW218"),

    LIMIT_TEXT("COW300"),
    LIMIT_STATEMENTS("COW301"),
    LIMIT_PROCESSES("COW302"),
    LIMIT_PAGES("COW303"),
    LIMIT_HANDLES("COW304"),
    TOO_MANY_ERRORS("COW305"),

    RUNTIME("COW400");

    public final String id;

    Code(String id) {
        this.id = id;
    }
}
