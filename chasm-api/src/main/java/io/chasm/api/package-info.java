/**
 * CHASM's value types and exception hierarchy. Nothing here knows files, sockets or protobuf.
 *
 * <p>All parameters and return values are non-null unless documented otherwise. Every integrity
 * failure is a checked {@link io.chasm.api.VerificationException} subclass.
 */
package io.chasm.api;
