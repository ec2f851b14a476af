package io.cowscope.scenario;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.cowscope.scenario.Token.Type;

/**
 * Characters to tokens, one line at a time (a statement never spans lines). At the first lexical
 * error of a line the scanner reports it, emits an ERROR token and skips the rest of the line, so the
 * parser stays silent there (panic mode per line) and the other lines are still checked.
 */
final class Scanner {
    static final int MAX_STRING_BYTES = 4096;

    private final Diagnostics diags;
    private String src;
    private int lineNo;
    private int pos;
    private List<Token> tokens;
    private String comment;

    Scanner(Diagnostics diags) {
        this.diags = diags;
    }

    List<Line> scan(String text) {
        List<Line> lines = new ArrayList<>();
        int start = 0, n = 1;
        while (true) {
            int nl = text.indexOf('\n', start);
            String raw = nl < 0 ? text.substring(start) : text.substring(start, nl);
            if (raw.endsWith("\r")) raw = raw.substring(0, raw.length() - 1);
            if (nl >= 0 || !raw.isEmpty()) lines.add(scanLine(raw, n));
            if (nl < 0 || diags.full()) break;
            start = nl + 1;
            n++;
        }
        return lines;
    }

    Line scanLine(String text, int number) {
        src = text;
        lineNo = number;
        pos = 0;
        tokens = new ArrayList<>();
        comment = null;
        boolean failed = false;
        while (pos < src.length() && !failed) failed = !token();
        if (!failed) tokens.add(new Token(Type.EOL, "", lineNo, src.length() + 1, null, 0));
        return new Line(number, text, List.copyOf(tokens), comment);
    }

    /** Scans one token; false after a lexical error (an ERROR token ends the line). */
    private boolean token() {
        int start = pos;
        char c = src.charAt(pos);
        if (c == ' ' || c == '\t') {
            pos++;
            return true;
        }
        if (c == '#') return comment();
        if (c == '"') return string();
        if (isDigit(c)) return number();
        if (isLetter(c)) {
            while (pos < src.length() && (isLetter(src.charAt(pos)) || isDigit(src.charAt(pos)))) pos++;
            add(Type.NAME, start);
            return true;
        }
        pos++;
        switch (c) {
            case ':': add(Type.COLON, start); return true;
            case ',': add(Type.COMMA, start); return true;
            case '[': add(Type.LBRACKET, start); return true;
            case ']': add(Type.RBRACKET, start); return true;
            case '=': add(match('=') ? Type.EQEQ : Type.EQUAL, start); return true;
            case '!': add(match('=') ? Type.BANGEQ : Type.BANG, start); return true;
            case '<': add(match('=') ? Type.LE : Type.LT, start); return true;
            case '>': add(match('=') ? Type.GE : Type.GT, start); return true;
            case '.': add(match('.') ? Type.DOTDOT : Type.DOT, start); return true;
            default:
                pos = start;
                return badCharacter(start);
        }
    }

    private boolean badCharacter(int at) {
        int cp = src.codePointAt(at);
        if (isControl(cp)) {
            return fail(Code.CONTROL_CHARACTER, "control character " + controlName(cp)
                    + " is not allowed; only blanks and tabs may separate words", at, 1);
        }
        String shown = new String(Character.toChars(cp));
        String hint = "";
        if (cp == '\u201C' || cp == '\u201D' || cp == '\u201E') hint = "; use straight double quotes (\") for strings";
        else if (cp == '\u2018' || cp == '\u2019') hint = "; strings use straight double quotes (\")";
        else if (cp == '\u2026') hint = "; use two dots '..' for a range";
        else if (cp == '\u2260') hint = "; did you mean '!='?";
        else if (cp == '\u2264') hint = "; did you mean '<='?";
        else if (cp == '\u2265') hint = "; did you mean '>='?";
        else if (cp == '\uFFFD') hint = " (a byte that is not UTF-8)";
        else if (cp > 127) hint = "; names are ASCII letters, digits and '_' (non-ASCII text belongs in strings or comments)";
        return fail(Code.UNEXPECTED_CHARACTER, "unexpected character '" + shown + "'" + hint, at, Character.charCount(cp));
    }

    private boolean comment() {
        int start = pos;
        for (int i = pos + 1; i < src.length(); i++) {
            char ch = src.charAt(i);
            if (isControl(ch)) {
                comment = src.substring(start + 1, i);
                return fail(Code.CONTROL_CHARACTER, "control character " + controlName(ch)
                        + " is not allowed, even in a comment", i, 1);
            }
        }
        comment = src.substring(start + 1);
        pos = src.length();
        return true;
    }

    private boolean string() {
        int start = pos;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                return fail(Code.UNTERMINATED_STRING, "unterminated string: expected a closing '\"' before the end of the line",
                        start, src.length() - start);
            }
            char c = src.charAt(pos);
            if (c == '"') {
                pos++;
                break;
            }
            if (c == '\\') {
                if (pos + 1 >= src.length()) {
                    return fail(Code.UNTERMINATED_STRING, "unterminated string: expected a closing '\"' before the end of the line",
                            start, src.length() - start);
                }
                char e = src.charAt(pos + 1);
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case 'n': sb.append('\n'); break;
                    case 't': sb.append('\t'); break;
                    default: {
                        String shown = isControl(e) ? controlName(e) : "\\" + e;
                        return fail(Code.BAD_ESCAPE, "unknown escape '" + shown + "' in a string; the escapes are \\\" \\\\ \\n \\t", pos, 2);
                    }
                }
                pos += 2;
                continue;
            }
            if (c != '\t' && isControl(c)) {
                return fail(Code.CONTROL_CHARACTER, "control character " + controlName(c)
                        + " is not allowed in a string; write \\n or \\t", pos, 1);
            }
            sb.append(c);
            pos++;
        }
        String value = sb.toString();
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_STRING_BYTES) {
            return fail(Code.STRING_TOO_LONG, "string of " + bytes + " bytes is longer than a page: at most "
                    + MAX_STRING_BYTES + " bytes", start, pos - start);
        }
        tokens.add(new Token(Type.STRING, src.substring(start, pos), lineNo, start + 1, value, 0));
        return true;
    }

    private boolean number() {
        int start = pos;
        digits();
        // VERSION: INT "." INT, but "0..3" is INT ".." INT
        if (pos + 1 < src.length() && src.charAt(pos) == '.' && isDigit(src.charAt(pos + 1))) {
            pos++;
            digits();
            if (pos + 1 < src.length() && src.charAt(pos) == '.' && isDigit(src.charAt(pos + 1))) {
                int vend = pos;
                pos++;
                digits();
                return fail(Code.BAD_NUMBER, "'" + src.substring(start, pos) + "' is a stable release; versions are mainline MAJOR.MINOR, e.g. '"
                        + src.substring(start, vend) + "'", start, pos - start);
            }
            if (pos < src.length() && (isLetter(src.charAt(pos)))) return trailingLetters(start);
            add(Type.VERSION, start);
            return true;
        }
        String digits = src.substring(start, pos);
        long value = digits.length() > 12 ? -1 : Long.parseLong(digits);
        if (pos < src.length() && "KMG".indexOf(src.charAt(pos)) >= 0
                && (pos + 1 >= src.length() || !(isLetter(src.charAt(pos + 1)) || isDigit(src.charAt(pos + 1))))) {
            char suffix = src.charAt(pos++);
            long pages = -1;
            if (value >= 0) {
                long bytes = value * (suffix == 'K' ? 1024L : suffix == 'M' ? 1024L * 1024 : 1024L * 1024 * 1024);
                pages = bytes % 4096 != 0 ? -2 : bytes / 4096;
            }
            tokens.add(new Token(Type.SIZE, src.substring(start, pos), lineNo, start + 1, null, pages));
            return true;
        }
        if (pos < src.length() && isLetter(src.charAt(pos))) return trailingLetters(start);
        tokens.add(new Token(Type.INT, digits, lineNo, start + 1, null, value));
        return true;
    }

    private boolean trailingLetters(int start) {
        int letters = pos;
        while (pos < src.length() && (isLetter(src.charAt(pos)) || isDigit(src.charAt(pos)))) pos++;
        String word = src.substring(start, pos);
        String suffix = src.substring(letters, pos);
        String hint;
        if (suffix.equalsIgnoreCase("k") || suffix.equalsIgnoreCase("m") || suffix.equalsIgnoreCase("g")) {
            hint = "; size suffixes are upper case: '" + src.substring(start, letters) + suffix.toUpperCase(java.util.Locale.ROOT) + "'";
        } else if (suffix.length() == 2 && suffix.toUpperCase(java.util.Locale.ROOT).endsWith("B")
                && "KMG".indexOf(Character.toUpperCase(suffix.charAt(0))) >= 0) {
            hint = "; write '" + src.substring(start, letters) + Character.toUpperCase(suffix.charAt(0)) + "' (no 'B')";
        } else {
            hint = "; a number is followed by a blank, or by K, M or G for a size, and names start with a letter";
        }
        return fail(Code.BAD_NUMBER, "malformed number '" + word + "'" + hint, start, pos - start);
    }

    private void digits() {
        while (pos < src.length() && isDigit(src.charAt(pos))) pos++;
    }

    private boolean match(char c) {
        if (pos < src.length() && src.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void add(Type type, int start) {
        tokens.add(new Token(type, src.substring(start, pos), lineNo, start + 1, null, 0));
    }

    private boolean fail(Code code, String message, int at, int length) {
        diags.add(code, message, lineNo, at + 1, length);
        tokens.add(new Token(Type.ERROR, "", lineNo, at + 1, null, 0));
        return false;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    static boolean isControl(int c) {
        return (c < 0x20 && c != '\t') || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029;
    }

    private static String controlName(int c) {
        return String.format("U+%04X", c);
    }
}
