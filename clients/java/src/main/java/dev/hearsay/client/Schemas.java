package dev.hearsay.client;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import dev.hearsay.v1.ProtoSource;
import dev.hearsay.v1.Schema;
import dev.hearsay.v1.SourceFile;
import dev.hearsay.v1.ThriftSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.thrift.TBase;

/** What registerType sends: descriptor sets, source files read from disk, Thrift IDL from classes. */
final class Schemas {
  /** Most files one registration may send. */
  static final int MAX_FILES = 256;
  /** Largest schema file read from disk, bytes. */
  static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

  private static final Pattern PROTO_IMPORT = Pattern.compile("(?m)^\\s*import\\s+(?:public\\s+|weak\\s+)?\"([^\"]+)\"\\s*;");
  private static final Pattern THRIFT_INCLUDE = Pattern.compile("(?m)^\\s*(?:include|cpp_include)\\s+\"([^\"]+)\"");
  private static final Pattern COMMENTS = Pattern.compile("(?s)/\\*.*?\\*/|//[^\\n]*|(?m)^\\s*#[^\\n]*");

  private Schemas() {}

  /** A message's file and every file it imports, imports first (as protoc --include_imports writes them). */
  static NamedSchema descriptor(Descriptors.Descriptor d) {
    Args.notNull(d, "descriptor");
    FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
    Set<String> seen = new HashSet<>();
    visit(d.getFile(), seen, set);
    return new NamedSchema(
        d.getFullName(), Schema.newBuilder().setProtoDescriptorSet(set.build().toByteString()).build());
  }

  private static void visit(Descriptors.FileDescriptor f, Set<String> seen, FileDescriptorSet.Builder out) {
    if (!seen.add(f.getName())) return;
    for (Descriptors.FileDescriptor dep : f.getDependencies()) visit(dep, seen, out);
    out.addFile(f.toProto());
  }

  /** Thrift IDL rebuilt from a generated struct class. */
  static NamedSchema thriftClass(Class<? extends TBase<?, ?>> c, String typeName) {
    Args.notNull(c, "structClass");
    String idl = ThriftIdl.of(c);
    return source(typeName, Map.of(c.getSimpleName() + ".thrift", idl), SourceFormat.THRIFT);
  }

  /** Schema text: path -> content, the defining file first (iteration order kept). */
  static NamedSchema source(String typeName, Map<String, String> files, SourceFormat format) {
    Args.notEmpty(typeName, "typeName");
    Args.notNull(format, "format");
    Args.notNull(files, "files");
    if (files.isEmpty()) throw new IllegalArgumentException("files: at least one file");
    if (files.size() > MAX_FILES) throw new IllegalArgumentException("files: at most " + MAX_FILES + " files");
    List<SourceFile> list = new ArrayList<>(files.size());
    for (Map.Entry<String, String> e : files.entrySet()) {
      if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null) {
        throw new IllegalArgumentException("files: every entry needs a path and its content");
      }
      list.add(SourceFile.newBuilder().setPath(e.getKey()).setContent(e.getValue()).build());
    }
    Schema s =
        format == SourceFormat.PROTO
            ? Schema.newBuilder().setProtoSource(ProtoSource.newBuilder().addAllFiles(list)).build()
            : Schema.newBuilder().setThriftIdl(ThriftSource.newBuilder().addAllFiles(list)).build();
    return new NamedSchema(typeName, s);
  }

  /**
   * A .proto or .thrift file and, transitively, what it imports / includes. Proto imports
   * are looked up beside the importing file, then in each directory above the defining
   * file, and sent under the path the import names (the gateway resolves imports by
   * path; the google/protobuf/* files it knows may be missing). Thrift includes are
   * relative to the including file and sent relative to the defining file's directory.
   */
  static NamedSchema file(Path file, String typeName) {
    Args.notNull(file, "file");
    Args.notEmpty(typeName, "typeName");
    String fileName = file.getFileName() == null ? "" : file.getFileName().toString();
    SourceFormat format;
    if (fileName.endsWith(".proto")) format = SourceFormat.PROTO;
    else if (fileName.endsWith(".thrift")) format = SourceFormat.THRIFT;
    else throw new IllegalArgumentException("file: expected a .proto or .thrift file, got " + file);
    Path main = file.toAbsolutePath().normalize();
    if (!Files.isRegularFile(main)) throw new IllegalArgumentException("file: no such file: " + file);
    Path dir = main.getParent();
    Map<String, String> files = new LinkedHashMap<>();
    Deque<Map.Entry<String, Path>> todo = new ArrayDeque<>(); // path to send -> file
    todo.add(Map.entry(fileName, main));
    while (!todo.isEmpty()) {
      Map.Entry<String, Path> next = todo.poll();
      if (files.containsKey(next.getKey())) continue;
      if (files.size() >= MAX_FILES) throw new IllegalArgumentException("file: imports more than " + MAX_FILES + " files");
      Path f = next.getValue();
      String text = read(f);
      files.put(next.getKey(), text);
      Matcher m = (format == SourceFormat.PROTO ? PROTO_IMPORT : THRIFT_INCLUDE).matcher(COMMENTS.matcher(text).replaceAll(""));
      while (m.find()) {
        String name = m.group(1);
        Path found = format == SourceFormat.PROTO ? findImport(name, f, dir) : f.getParent().resolve(name).normalize();
        if (found != null && Files.isRegularFile(found)) {
          String send = format == SourceFormat.PROTO || !found.startsWith(dir) ? name : dir.relativize(found).toString().replace('\\', '/');
          todo.add(Map.entry(send, found));
        } else if (!name.startsWith("google/protobuf/")) {
          throw new IllegalArgumentException("file: " + f + " imports \"" + name + "\", which was not found");
        }
      }
    }
    return source(typeName, files, format);
  }

  private static Path findImport(String name, Path from, Path dir) {
    Path beside = from.getParent().resolve(name).normalize();
    if (Files.isRegularFile(beside)) return beside;
    for (Path root = dir; root != null; root = root.getParent()) {
      Path c = root.resolve(name).normalize();
      if (Files.isRegularFile(c)) return c;
    }
    return null;
  }

  private static String read(Path f) {
    try {
      if (Files.size(f) > MAX_FILE_BYTES) {
        throw new IllegalArgumentException("file: " + f + " is over " + MAX_FILE_BYTES + " bytes");
      }
      return Files.readString(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema file " + f, e);
    }
  }
}
