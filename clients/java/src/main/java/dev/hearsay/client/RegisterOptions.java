package dev.hearsay.client;

/**
 * Options of a type registration.
 *
 * @param description free text shown in listings
 * @param skipPayloadValidation accept payloads without checking them against the schema
 *     (JSON rendering is then unavailable for the type)
 */
public record RegisterOptions(String description, boolean skipPayloadValidation) {
  /** No description, payloads validated. */
  public static final RegisterOptions DEFAULTS = new RegisterOptions("", false);

  public RegisterOptions {
    description = description == null ? "" : description;
  }

  public static RegisterOptions description(String description) {
    return new RegisterOptions(description, false);
  }

  public RegisterOptions withSkipPayloadValidation(boolean skip) {
    return new RegisterOptions(description, skip);
  }
}
