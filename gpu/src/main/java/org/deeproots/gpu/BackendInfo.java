package org.deeproots.gpu;

/**
 * Whether a backend can run here: {@code device} names the device when available, {@code reason} says why not
 * otherwise (empty when available).
 */
public record BackendInfo(String backend, boolean available, String device, String reason) {
}
