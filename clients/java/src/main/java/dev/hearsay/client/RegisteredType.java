package dev.hearsay.client;

/**
 * The answer to a registration.
 *
 * @param type the type as the registry now holds it
 * @param created false when an identical definition was already registered
 */
public record RegisteredType(DigestType type, boolean created) {}
