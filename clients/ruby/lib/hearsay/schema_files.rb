# frozen_string_literal: true

module Hearsay
  # A digest type's schema in one of the three forms the gateway accepts.
  #
  # @!attribute [r] format
  #   @return [Symbol] :proto_source, :proto_descriptor_set or :thrift_idl
  # @!attribute [r] files
  #   @return [Array<Array(String, String)>] [path, content] pairs, the defining file first
  #     (source forms)
  # @!attribute [r] descriptor_set
  #   @return [String, nil] serialized FileDescriptorSet (:proto_descriptor_set)
  # @api private
  SchemaSpec = Struct.new(:format, :files, :descriptor_set, keyword_init: true)

  # Reads schema files from disk with the files they import / include, so a
  # type registers from its `.proto` or `.thrift` file alone.
  # @api private
  module SchemaFiles
    # Bounds on what one registration reads: the gateway's limits are lower.
    MAX_FILES = 64
    MAX_FILE_BYTES = 1024 * 1024
    IMPORT = /^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;/
    INCLUDE = /^\s*include\s+"([^"]+)"/
    # Well-known imports the gateway has built in.
    BUILT_IN = %r{\Agoogle/protobuf/}

    module_function

    # @param path [String] the .proto file defining the type
    # @param import_paths [Array<String>] roots imports resolve against; the
    #   defining file is sent by its path relative to the first root holding it
    # @return [Hearsay::SchemaSpec]
    def proto(path, import_paths)
      roots = import_paths.map { |r| File.expand_path(r) }
      full = File.expand_path(path)
      root = roots.find { |r| full.start_with?("#{r}/") } or
        raise ArgumentError, "import_paths: none of #{import_paths.inspect} holds #{path}"
      files = []
      pending = [full.delete_prefix("#{root}/")]
      until pending.empty?
        rel = pending.shift
        next if files.any? { |f, _| f == rel }

        text = read(resolve(rel, roots, files.first&.first || path), "path")
        files << [rel, text]
        raise ArgumentError, "path: more than #{MAX_FILES} files imported" if files.size > MAX_FILES

        strip_comments(text).scan(IMPORT).flatten.each do |imp|
          next if BUILT_IN.match?(imp) && roots.none? { |r| File.file?(File.join(r, imp)) }

          pending << imp
        end
      end
      SchemaSpec.new(format: :proto_source, files: files)
    end

    # @param path [String] the .thrift file defining the struct
    # @return [Hearsay::SchemaSpec] the file by its base name, includes relative to it
    def thrift(path)
      dir = File.dirname(File.expand_path(path))
      files = []
      pending = [File.basename(path)]
      until pending.empty?
        rel = pending.shift
        next if files.any? { |f, _| f == rel }

        text = read(File.join(dir, rel), "path")
        files << [rel, text]
        raise ArgumentError, "path: more than #{MAX_FILES} files included" if files.size > MAX_FILES

        base = File.dirname(rel)
        strip_comments(text, hash: true).scan(INCLUDE).flatten.each do |inc|
          pending << (base == "." ? inc : File.join(base, inc))
        end
      end
      SchemaSpec.new(format: :thrift_idl, files: files)
    end

    # Schema text given in code: one file's text, or path => text.
    # @param name [String] the type name (names a single file "<name>.<ext>")
    # @param files [String, Hash{String=>String}]
    # @param format [Symbol] :proto or :thrift
    # @return [Hearsay::SchemaSpec]
    def from_source(name, files, format)
      unless %i[proto thrift].include?(format)
        raise ArgumentError, "format: expected :proto or :thrift, got #{format.inspect}"
      end

      list = case files
             when String then [["#{name}.#{format}", files]]
             when Hash then files.map { |p, c| [string(p, "files key"), string(c, "files[#{p.inspect}]")] }
             else raise ArgumentError, "files: expected the schema text or a Hash of path => text, got #{files.class}"
             end
      raise ArgumentError, "files: empty" if list.empty?

      SchemaSpec.new(format: format == :proto ? :proto_source : :thrift_idl, files: list)
    end

    def resolve(rel, roots, importer)
      roots.each do |r|
        f = File.join(r, rel)
        return f if File.file?(f)
      end
      raise ArgumentError, "path: import \"#{rel}\" (from #{importer}) not found under #{roots.inspect}"
    end

    def read(file, label)
      raise ArgumentError, "#{label}: no such file #{file}" unless File.file?(file)
      raise ArgumentError, "#{label}: #{file} is larger than #{MAX_FILE_BYTES} bytes" if File.size(file) > MAX_FILE_BYTES

      text = File.read(file, encoding: "UTF-8")
      raise ArgumentError, "#{label}: #{file} is not UTF-8" unless text.valid_encoding?

      text
    end

    def strip_comments(text, hash: false)
      out = text.gsub(%r{/\*.*?\*/}m, "").gsub(%r{//[^\n]*}, "")
      hash ? out.gsub(/#[^\n]*/, "") : out
    end

    def string(v, label)
      raise ArgumentError, "#{label}: expected a String, got #{v.class}" unless v.is_a?(String)

      v
    end
  end
end
