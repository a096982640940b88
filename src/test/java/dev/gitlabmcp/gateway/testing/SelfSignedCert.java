package dev.gitlabmcp.gateway.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for localhost and 127.0.0.1, made with the JDK's keytool: a PKCS#12 key store
 * for the test server and the certificate as PEM, which is what an operator puts in {@code http.caFile}.
 */
public record SelfSignedCert(Path keyStore, String password, Path pem) {

  public static SelfSignedCert create(Path dir) throws IOException, InterruptedException {
    Path p12 = dir.resolve("gitlab.p12");
    Path pem = dir.resolve("gitlab-ca.pem");
    String password = "changeit";
    keytool("-genkeypair", "-alias", "gitlab", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
        "-keystore", p12.toString(), "-storepass", password, "-keypass", password);
    keytool("-exportcert", "-rfc", "-alias", "gitlab", "-keystore", p12.toString(), "-storepass", password,
        "-file", pem.toString());
    return new SelfSignedCert(p12, password, pem);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed: " + output);
    }
  }
}
