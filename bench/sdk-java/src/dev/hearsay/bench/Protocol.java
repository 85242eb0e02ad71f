package dev.hearsay.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The role processes' side of the line protocol: one command a line on stdin, one reply a
 * line on stdout, prefixed so that anything else a library prints there is not mistaken for
 * a reply. EOF on stdin (the coordinator closed it or died) ends the role.
 */
final class Protocol {
  static final String PREFIX = "bench> ";
  /** Longest command line read; the coordinator's are under 100 bytes. */
  private static final int MAX_LINE = 4_096;

  interface Handler {
    /** The reply to one command, split on spaces; throwing replies "error ...". */
    String handle(String[] command) throws Exception;
  }

  private Protocol() {}

  /** Replies "ready", then serves commands until EOF or "quit". */
  static void serve(Handler handler) throws IOException {
    reply("ready");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.isBlank()) continue;
      if (line.length() > MAX_LINE) {
        reply("error command longer than " + MAX_LINE);
        continue;
      }
      String[] command = line.trim().split(" +");
      if (command[0].equals("quit")) return;
      String r;
      try {
        r = handler.handle(command);
      } catch (Exception e) {
        r = "error " + String.valueOf(e).replace('\n', ' ');
      }
      reply(r);
    }
  }

  static synchronized void reply(String line) {
    System.out.println(PREFIX + line);
    System.out.flush();
  }
}
