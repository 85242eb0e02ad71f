package dev.hearsay.client;

/**
 * A run of one origin's digests of one type that the subscriber lost. Sequences are
 * unsigned 64-bit held in longs, both inclusive.
 */
public record GapRange(String origin, String type, long fromSequence, long toSequence) {}
