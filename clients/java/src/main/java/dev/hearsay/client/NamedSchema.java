package dev.hearsay.client;

import dev.hearsay.v1.Schema;

/** A type name and the schema to register it with. */
record NamedSchema(String name, Schema schema) {}
