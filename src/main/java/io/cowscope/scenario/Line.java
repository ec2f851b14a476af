package io.cowscope.scenario;

import java.util.List;

/** One source line after scanning: its tokens (ending with EOL or ERROR) and its comment (without '#', or null). */
record Line(int number, String text, List<Token> tokens, String comment) {

    boolean isBlank() {
        return tokens.size() == 1 && tokens.get(0).is(Token.Type.EOL);
    }
}
