#!/usr/bin/env bash
# Lays out what the .deb and the tarball install (target/stage), builds a jlink'd runtime with only
# the JDK modules the jars use, and packs the tarball. Usage: stage.sh TARGET VERSION JAVA_HOME
set -euo pipefail
target="$1" version="$2" jdk="$3"
module="$(cd "$(dirname "$0")/../.." && pwd)"
repo="$(dirname "$module")"
stage="$target/stage"

install -d "$stage/share/bin" "$stage/share/libexec" "$stage/man-gz"
install -m 755 "$module/src/main/sh/chasm" "$stage/share/bin/chasm"
ln -sfn chasm "$stage/share/bin/chasmd"
install -m 644 "$module/src/main/sh/chasm-jvm.sh" "$stage/share/libexec/chasm-jvm.sh"
# Debian installs man pages compressed; -n keeps the build reproducible (no name or time inside).
for page in "$stage"/man/man1/*.1; do
  gzip -9nc "$page" > "$stage/man-gz/$(basename "$page").gz"
done

# jdeps names the modules the jars reach; the rest are what a JVM loads by name, not by reference:
# jdk.crypto.ec (TLS key exchange for https upstreams), jdk.zipfs, jdk.localedata (date formats
# in logs), jdk.jcmd (diagnostics of a running daemon) and jdk.management (the JVM's own metrics).
deps="$("$jdk/bin/jdeps" --ignore-missing-deps --multi-release 17 --print-module-deps "$stage"/share/lib/*.jar)"
modules="$deps,jdk.crypto.ec,jdk.zipfs,jdk.localedata,jdk.jcmd,jdk.management"
name="chasm-$version"
dist="$target/tarball/$name"
rm -rf "$target/tarball"
install -d "$dist"
# --generate-cds-archive gives the runtime its base class-data archive, which the launcher's
# per-application archive (-XX:ArchiveClassesAtExit) needs.
"$jdk/bin/jlink" --add-modules "$modules" --output "$dist/runtime" --strip-debug --no-header-files \
  --no-man-pages --compress=2 --include-locales=en --generate-cds-archive
cp -a "$stage/share/bin" "$stage/share/lib" "$stage/share/libexec" "$dist/"
install -d "$dist/man/man1" "$dist/systemd" "$dist/etc"
cp "$stage"/man-gz/*.gz "$dist/man/man1/"
cp "$repo"/examples/systemd/*.service "$dist/systemd/"
cp "$repo/examples/chasmd.example.conf" "$dist/etc/chasm.conf"
cp "$repo/docs/packaging.md" "$dist/"
arch="$(uname -m)"
tar -C "$target/tarball" -czf "$target/$name-linux-$arch.tar.gz" "$name"
echo "stage.sh: $target/$name-linux-$arch.tar.gz (modules: $modules)"
