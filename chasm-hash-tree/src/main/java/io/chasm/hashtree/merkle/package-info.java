/**
 * Files as Merkle trees over their chunks (tck/SPEC.md section 3): {@link
 * io.chasm.hashtree.merkle.FileManifest} (chunk list, canonical encoding, file id) and {@link
 * io.chasm.hashtree.merkle.InclusionProof} (one chunk against a file id). Verification throws a
 * {@link io.chasm.api.VerificationException} subclass; it never returns false. Arguments are never
 * null.
 */
package io.chasm.hashtree.merkle;
