package dev.hearsay.client;

/**
 * A digest type as the overlay's replicated registry holds it.
 *
 * @param name fully qualified message or struct name, e.g. "demo.Greeting"
 * @param version registry version, from 1; grows by one per compatible re-registration
 * @param format the form the schema is held in
 * @param skipPayloadValidation payloads are not checked against the schema (no JSON rendering)
 * @param description free text shown in listings
 * @param registeredBy node that accepted the registration of this version
 * @param registeredAtMs when this version was registered, Unix epoch ms
 * @param fingerprint hex SHA-256 of the canonical schema; equal fingerprints = identical schemas
 */
public record DigestType(
    String name,
    long version,
    SchemaFormat format,
    boolean skipPayloadValidation,
    String description,
    String registeredBy,
    long registeredAtMs,
    String fingerprint) {}
