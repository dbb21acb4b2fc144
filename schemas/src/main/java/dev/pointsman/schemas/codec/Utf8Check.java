package dev.pointsman.schemas.codec;

/**
 * Whether a decoded record's strings came from valid UTF-8. Avro decodes invalid UTF-8 to U+FFFD
 * without a word, so a record whose strings hold more U+FFFD than its bytes spell out (EF BF BD)
 * had some made up: the record is not what its writer meant, and goes to the DLQ.
 */
public final class Utf8Check {
    private Utf8Check() {}

    /** Whether the strings decoded from {@code raw} came from valid UTF-8. */
    public static boolean valid(byte[] raw, CharSequence... decoded) {
        int made = 0;
        for (CharSequence s : decoded) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) == '\uFFFD') {
                    made++;
                }
            }
        }
        if (made == 0) {
            return true;
        }
        int spelled = 0;
        for (int i = 0; i + 2 < raw.length; i++) {
            if (raw[i] == (byte) 0xEF && raw[i + 1] == (byte) 0xBF && raw[i + 2] == (byte) 0xBD) {
                spelled++;
            }
        }
        return made <= spelled;
    }
}
