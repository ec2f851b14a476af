package io.cowscope.scenario;

/**
 * A token of one line. {@code text} is the source text; {@code string} the unescaped value of a
 * STRING; {@code number} the value of an INT (-1 when too large), or the page count of a SIZE (-1 when
 * too large, -2 when bytes are not a multiple of 4K).
 */
record Token(Type type, String text, int line, int column, String string, long number) {

    enum Type {
        NAME, INT, SIZE, VERSION, STRING,
        COLON, COMMA, DOT, DOTDOT, LBRACKET, RBRACKET,
        EQUAL, EQEQ, BANG, BANGEQ, LT, LE, GT, GE,
        /** end of the line (also end of file) */
        EOL,
        /** the scanner already reported a lexical error on this line */
        ERROR
    }

    int length() {
        return Math.max(1, text.length());
    }

    boolean is(Type t) {
        return type == t;
    }

    boolean isWord(String w) {
        return type == Type.NAME && text.equals(w);
    }

    /** How the parser names this token in "expected X, found Y". */
    String describe() {
        switch (type) {
            case EOL: return "end of line";
            case STRING: return "a string";
            case NAME: return "'" + text + "'";
            default: return "'" + text + "'";
        }
    }
}
