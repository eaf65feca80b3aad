#!/usr/bin/env bash
# Installs what devoguard needs to build, test and benchmark on Debian 12. Idempotent: apt-get
# runs only when a package is missing. Packages that ship a service (nsd, unbound) must not
# start it: a policy-rc.d guard is in place while apt-get runs, and the tests start their own
# instances on loopback ports.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libldns-dev libuv1-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  libcli11-dev nlohmann-json3-dev libre2-dev libpsl-dev publicsuffix zlib1g-dev
  libdeflate-dev  # compresses rotated decision logs ~2.7x faster than zlib (rotation.cpp)
  # dnstap output: Frame Streams (libfstrm), protobuf-c and its compiler (the schema is compiled
  # at build time); fstrm-bin (fstrm_capture) and dnstap-ldns read it back in tests/e2e/test_dnstap.py
  libfstrm-dev libprotobuf-c-dev protobuf-c-compiler fstrm-bin dnstap-ldns
  wamerican wbritish  # the random-label model trains on wamerican, evaluates on wbritish
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-pytest python3-dnspython python3-yaml
  unbound nsd bind9-dnsutils knot-dnsutils
  libcap2-bin  # setcap: tests/e2e/test_privilege.py gives a copy of the binary the image's +p capability
  # scripts/fuzz.sh: libFuzzer with ASan+UBSan. Clang 16, not Debian's default 14: std::expected
  # of libstdc++ 12 needs P0848, which clang implements from 16 on (tests/fuzz/CMakeLists.txt).
  clang-16 libclang-rt-16-dev
  # scripts/soak.sh
  dnsperf
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: missing packages: ${missing[*]}; run as root to install them" >&2
  exit 1
fi

guard=/usr/sbin/policy-rc.d
own_guard=0
if [ ! -e "$guard" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$guard" && chmod +x "$guard" && own_guard=1
fi
trap '[ $own_guard -eq 1 ] && rm -f "$guard"' EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian's packages enable their own daemons; devoguard's tests run private instances. Only a
# daemon this run installed is turned off (policy-rc.d above kept it from starting): a host
# whose own resolver is an unbound it already had keeps it.
for unit in unbound nsd; do
  case " ${missing[*]} " in *" $unit "*) ;; *) continue ;; esac
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now "$unit" >/dev/null 2>&1 || true; fi
  pkill -x "$unit" >/dev/null 2>&1 || true
done
