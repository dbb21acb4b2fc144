package dev.pointsman.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for a loopback broker, made with the JDK's keytool: a PKCS12 keystore
 * with the broker's key and certificate (its subject alternative names: the host's address and
 * localhost), and a truststore with the certificate, for clients. Valid for a week; for tests and
 * the embedded default only.
 */
public record TestCertificates(Path keystore, Path truststore, String password) {

    /** Makes the keystore and truststore under {@code dir} for a broker at {@code host}. */
    public static TestCertificates make(Path dir, String host) throws IOException {
        Files.createDirectories(dir);
        Path keystore = dir.resolve("broker.p12");
        Path truststore = dir.resolve("truststore.p12");
        Path certificate = dir.resolve("broker.crt");
        for (Path p : List.of(keystore, truststore, certificate)) {
            Files.deleteIfExists(p);
        }
        String password = UUID.randomUUID().toString();
        keytool(
                "-genkeypair",
                "-alias",
                "broker",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=IP:" + host + ",DNS:localhost",
                "-validity",
                "7",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                password,
                "-keypass",
                password);
        keytool(
                "-exportcert",
                "-alias",
                "broker",
                "-rfc",
                "-file",
                certificate.toString(),
                "-keystore",
                keystore.toString(),
                "-storepass",
                password);
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "broker",
                "-file",
                certificate.toString(),
                "-keystore",
                truststore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                password);
        return new TestCertificates(keystore, truststore, password);
    }

    /** The broker listener's ssl.* settings. */
    public Map<String, String> keystoreProperties() {
        return Map.of(
                "ssl.keystore.location",
                keystore.toString(),
                "ssl.keystore.type",
                "PKCS12",
                "ssl.keystore.password",
                password,
                "ssl.key.password",
                password);
    }

    /** A client's ssl.* settings to trust the broker. */
    public Map<String, String> truststoreProperties() {
        return Map.of(
                "ssl.truststore.location",
                truststore.toString(),
                "ssl.truststore.type",
                "PKCS12",
                "ssl.truststore.password",
                password);
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running keytool", e);
        }
    }
}
