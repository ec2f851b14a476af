package io.cowscope.web.socket;

/**
 * Unpaired UTF-16 surrogates: JSON may carry them ({@code "\ud800"}) but UTF-8 cannot, so a reply
 * echoing one could not be encoded and the container closed the socket (1011).
 */
public final class Utf16 {
    private Utf16() {
    }

    /** the index of the first unpaired surrogate in s, or -1 */
    public static int firstLoneSurrogate(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** s with every unpaired surrogate replaced by U+FFFD (s itself when it has none) */
    public static String replaceLoneSurrogates(String s) {
        int first = firstLoneSurrogate(s);
        if (first < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        out.append(s, 0, first);
        for (int i = first, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
