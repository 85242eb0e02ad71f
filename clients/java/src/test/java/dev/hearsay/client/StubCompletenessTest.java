package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearsay.v1.GatewayGrpc;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every operation of `service Gateway`, read from the schema files, has a generated stub. */
class StubCompletenessTest {

  @Test
  void grpcStubHasEveryRpc() {
    List<String> rpcs =
        names(serviceBody(Repo.read("proto/hearsay/v1/gateway.proto")), "\\brpc\\s+(\\w+)\\s*\\(");
    assertFalse(rpcs.isEmpty(), "no rpc found in gateway.proto");
    Set<String> generated =
        GatewayGrpc.getServiceDescriptor().getMethods().stream()
            .map(m -> m.getBareMethodName())
            .collect(Collectors.toSet());
    for (String rpc : rpcs) {
      assertTrue(generated.contains(rpc), "GatewayGrpc lacks rpc " + rpc);
    }
  }

  @Test
  void thriftStubHasEveryMethod() {
    // Parameter lists hold no parentheses, so once the throws clauses are gone every
    // "name(" left in the service body is a method.
    String body = serviceBody(Repo.read("thrift/hearsay.thrift")).replaceAll("throws\\s*\\([^)]*\\)", "");
    List<String> methods = names(body, "(\\w+)\\s*\\(");
    assertFalse(methods.isEmpty(), "no method found in hearsay.thrift");
    Set<String> generated =
        Arrays.stream(dev.hearsay.thrift.Gateway.Iface.class.getMethods())
            .map(Method::getName)
            .collect(Collectors.toSet());
    for (String m : methods) {
      assertTrue(generated.contains(m), "thrift Gateway.Iface lacks " + m);
    }
  }

  /** Text between the braces of `service Gateway { ... }`, comments removed. */
  static String serviceBody(String schema) {
    String text = schema.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)(//|#).*$", "");
    Matcher m = Pattern.compile("\\bservice\\s+Gateway\\s*\\{").matcher(text);
    assertTrue(m.find(), "no `service Gateway {` in schema");
    int depth = 1;
    int i = m.end();
    for (; i < text.length() && depth > 0; i++) {
      if (text.charAt(i) == '{') depth++;
      if (text.charAt(i) == '}') depth--;
    }
    return text.substring(m.end(), i - 1);
  }

  private static List<String> names(String body, String regex) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(body);
    while (m.find()) out.add(m.group(1));
    return out;
  }
}
