package dev.pointsman.schemas.codec;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate classes outside a trusted list (otherwise set through the {@code
 * org.apache.avro.SERIALIZABLE_PACKAGES} system property). The codecs add this project's generated
 * package to the global list once, so neither users nor Flink jobs need the property.
 */
final class TrustedSchemas {
    static final String PACKAGE = "dev.pointsman.schemas.";
    private static boolean installed;

    private TrustedSchemas() {}

    static synchronized void install() {
        if (installed) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate ours = c -> c.getName().startsWith(PACKAGE);
        ClassSecurityValidator.setGlobal(
                ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours));
        installed = true;
    }
}
